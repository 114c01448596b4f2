#!/usr/bin/env bash
# Schemathesis against the API, as CI runs it: the bundled samples in a throw-away data folder,
# `kms serve` on a free port with the rate limit off (the fuzzer is one address sending
# thousands of requests), every default check on every operation, a fixed seed and a bounded
# number of examples. Known record ids and a signed-in staff cookie are handed to it, so the
# record and completeness operations are tested beyond their 404 and 401.
# Usage: scripts/schemathesis.sh [extra `st run` options]      (exit status: st's)
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=4.32.5
VENV=${SCHEMATHESIS_VENV:-var/schemathesis-$VERSION}
if [ ! -x "$VENV/bin/st" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "schemathesis==$VERSION"
fi
DATA=$(mktemp -d)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export KMS_DATA_DIR=$DATA KMS_RATE_LIMIT=0 KMS_SECRET_KEY=schemathesis-run-only
kms load-samples >/dev/null
PASSWORD=$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')
echo "$PASSWORD" | kms user add fuzz-admin --role admin --password-stdin >/dev/null
kms serve --port "$PORT" >"$DATA/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$DATA"' EXIT
BASE=http://127.0.0.1:$PORT
for _ in $(seq 60); do curl -fs "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
COOKIE=$(PASSWORD=$PASSWORD BASE=$BASE python3 - <<'EOF'
import os, re, urllib.parse, urllib.request, http.cookiejar
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
page = opener.open(os.environ["BASE"] + "/masuk").read().decode()
token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
form = urllib.parse.urlencode({"name": "fuzz-admin", "password": os.environ["PASSWORD"], "csrf_token": token})
opener.open(os.environ["BASE"] + "/masuk", form.encode())
print("; ".join(f"{c.name}={c.value}" for c in jar))
EOF
)
export KMS_FUZZ_ID=$(kms export 2>/dev/null | python3 -c 'import json, sys; print(json.loads(sys.stdin.readline())["id"])')
cat >"$DATA/schemathesis.toml" <<'EOF'
[dictionaries.regions]
values = ["73", "73.71", "Kota Makassar", "Jawa Timur", "Kab. Sinjai", "35.78"]

# Undeclared parameters are refused (400, tested in tests/test_reliability.py); schemathesis's own
# extra parameter sometimes carries an empty list, so sends nothing and the request is valid.
[generation]
allow-extra-parameters = false

# A URL longer than the server reads is refused by it with 414 (documented): a rejection too
[checks.negative_data_rejection]
expected-statuses = [400, 401, 403, 404, 405, 406, 409, 414, 415, 422, 428, 429]

[parameters]
"path.id" = "${KMS_FUZZ_ID}"
"query.region" = { dictionary = "regions", probability = 0.7 }
EOF
PYTHONPATH=scripts SCHEMATHESIS_HOOKS=schemathesis_hooks "$VENV/bin/st" --config-file "$DATA/schemathesis.toml" run "$BASE/api/openapi.json" \
  --checks all --seed "${SCHEMATHESIS_SEED:-20261201}" --max-examples "${SCHEMATHESIS_EXAMPLES:-40}" \
  --header "Cookie: $COOKIE" --no-color --request-timeout 30 "$@"
