#!/usr/bin/env bash
# Set up (when needed), load the bundled samples, build the index and serve the site.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! python3 -c "import kms, whoosh, sqlite_utils" 2>/dev/null || ! command -v kms >/dev/null; then
  python3 -m pip install -q -e .
fi
kms load-samples
exec kms serve --host "${KMS_HOST:-127.0.0.1}" --port "${KMS_PORT:-5000}"
