#!/usr/bin/env bash
# Create/migrate the database and load the Baotou demo. Both commands are
# idempotent, so a second run only checks. Extra arguments go to `govdash demo`
# (e.g. --seed 7 --scale 0.1).
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

govdash="$VENV/bin/govdash"
[ -x "$govdash" ] || die "$govdash not found: run 'make install' first"

say "Database: ${GOVDASH_DATABASE_URL:-sqlite file data/govdash.sqlite (default)}"
say "govdash init-db"
"$govdash" init-db
say "govdash demo $* (the first load at default scale takes a few minutes)"
"$govdash" demo "$@"
