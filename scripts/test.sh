#!/usr/bin/env bash
# Install what the tests need when it is missing, then run the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
# (re)install when the installed package is missing or points at another checkout
here=$(pwd)
if [ "$(cd / && python3 -c 'import kms, os; print(os.path.dirname(os.path.dirname(kms.__file__)))' 2>/dev/null)" != "$here" ] \
   || ! python3 -c "import pytest, xdist, selenium, whoosh, numpy, tantivy, wordfreq" 2>/dev/null; then
  python3 -m pip install -q -e '.[test]'
fi
if ! command -v chromedriver >/dev/null && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
    || echo "chromium could not be installed: browser tests will be skipped" >&2
fi
# word lists search uses when present (an Indonesian dictionary, an English-Indonesian dictionary)
if [ ! -e /usr/share/hunspell/id_ID.dic ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hunspell-id dict-freedict-eng-ind >/dev/null 2>&1 \
    || echo "hunspell-id / dict-freedict-eng-ind not installed: search uses its fallbacks" >&2
fi
# the tests on every core (pytest-xdist; KMS_TEST_WORKERS=0 runs them in this process);
# "-p no:benchmark": pytest-benchmark, where installed, refuses to run beside xdist
exec python3 -m pytest -p no:benchmark -n "${KMS_TEST_WORKERS:-auto}" "$@"
