#!/usr/bin/env bash
# The whole test suite: ruff, then pytest (in parallel with pytest-xdist).
#   PYTEST_WORKERS=N  xdist workers (default 2); 0 or 1 = one plain pytest run
#   PYTEST_ADDOPTS=.. extra pytest arguments, read by pytest itself
#                     (e.g. PYTEST_ADDOPTS='-x -k kpis')
# Both steps always run; the exit status is non-zero if either failed.
# pytest's exit status 5 (no tests collected) is a failure.
set -uo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT" || exit 1

[ -x "$VENV/bin/pytest" ] || die "$VENV/bin/pytest not found: run 'make install' first"

chromium_path="$(command -v chromium || true)"
if [ -n "$chromium_path" ]; then
    export DASH_TEST_CHROMEPATH="$chromium_path"  # dash[testing] (selenium)
    export BROWSER_PATH="$chromium_path"          # kaleido (plotly static export)
else
    warn "chromium not found on PATH: browser and image-export tests will fail"
fi
command -v chromedriver >/dev/null 2>&1 || warn "chromedriver not found on PATH (Debian package chromium-driver)"

say "ruff check ."
"$VENV/bin/ruff" check .
ruff_rc=$?

pytest=("$VENV/bin/pytest" --headless tests)
workers="${PYTEST_WORKERS:-2}"
if [ "$workers" -gt 1 ] 2>/dev/null; then
    # Browser tests run in parallel too: tests/conftest.py gives every xdist worker
    # its own dash[testing] port range.
    say "pytest -n $workers tests ${PYTEST_ADDOPTS:+(PYTEST_ADDOPTS=$PYTEST_ADDOPTS)}"
    "${pytest[@]}" -n "$workers"
    pytest_rc=$?
else
    say "pytest tests ${PYTEST_ADDOPTS:+(PYTEST_ADDOPTS=$PYTEST_ADDOPTS)}"
    "${pytest[@]}"
    pytest_rc=$?
fi

if [ "$pytest_rc" -eq 5 ]; then
    fail "pytest collected no tests (exit status 5)"
fi
if [ "$ruff_rc" -ne 0 ] || [ "$pytest_rc" -ne 0 ]; then
    fail "ruff exit $ruff_rc, pytest exit $pytest_rc"
    [ "$pytest_rc" -ne 0 ] && exit "$pytest_rc"
    exit 1
fi
say "all checks passed"
