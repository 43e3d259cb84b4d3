#!/usr/bin/env bash
# Create .venv (if missing or broken) and `pip install -e .[dev]` into it, but
# only when pyproject.toml changed since the last successful install: its
# SHA-256 (plus the venv's Python version) is kept in .venv/.govdash-install.
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

PYTHON="${PYTHON:-python3}"
STAMP="$VENV/.govdash-install"

if [ -x "$VENV/bin/python" ] && ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
    warn "$VENV is broken (its Python does not start); recreating it"
    rm -rf "$VENV"
fi

if [ ! -x "$VENV/bin/python" ]; then
    command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found; install Python 3.11+ or run: make PYTHON=/path/to/python3.11 ..."
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
        || die "govdash needs Python 3.11+, but $PYTHON is $("$PYTHON" -V 2>&1); run: make PYTHON=/path/to/python3.11 ..."
    say "Creating $VENV with $("$PYTHON" -V 2>&1)"
    if ! "$PYTHON" -m venv "$VENV"; then
        rm -rf "$VENV"
        die "python3 -m venv failed (on Debian/Ubuntu: apt-get install python3-venv)"
    fi
fi

want="$(sha256sum pyproject.toml | cut -d' ' -f1) $("$VENV/bin/python" -V 2>&1)"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
    say "Python packages up to date (pyproject.toml unchanged)"
    exit 0
fi

say "Installing govdash and its dev tools into $VENV (pip install -e .[dev])"
rm -f "$STAMP"
"$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -e ".[dev]"
printf '%s\n' "$want" > "$STAMP"
