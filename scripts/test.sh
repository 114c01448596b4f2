#!/usr/bin/env bash
# Install what the tests need when it is missing, then run the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! python3 -c "import kms, pytest, selenium, whoosh" 2>/dev/null || ! command -v kms >/dev/null; then
  python3 -m pip install -q -e '.[test]'
fi
if ! command -v chromedriver >/dev/null && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
    || echo "chromium could not be installed: browser tests will be skipped" >&2
fi
exec python3 -m pytest "$@"
