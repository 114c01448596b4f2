#!/usr/bin/env bash
# Set up (when needed), load the bundled samples, build the index and serve the site.
set -euo pipefail
cd "$(dirname "$0")/.."
# (re)install when the installed package is missing or points at another checkout
here=$(pwd)
if [ "$(cd / && python3 -c 'import kms, os; print(os.path.dirname(os.path.dirname(kms.__file__)))' 2>/dev/null)" != "$here" ] \
   || ! python3 -c "import flask, flask_wtf, waitress, whoosh, numpy, sqlite_utils, tantivy, wordfreq" 2>/dev/null; then
  python3 -m pip install -q -e .
fi
kms load-samples
exec kms serve --host "${KMS_HOST:-127.0.0.1}" --port "${KMS_PORT:-5000}"
