#!/usr/bin/env bash
# Report whether the PostgreSQL and Redis that the tests use are up.
# Information only: never starts or stops a service, never fails.
set -uo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if ! command -v pg_isready >/dev/null 2>&1; then
    warn "pg_isready not found: cannot check PostgreSQL on 127.0.0.1:5432"
elif pg_isready -q -h 127.0.0.1 -p 5432; then
    say "PostgreSQL is up on 127.0.0.1:5432"
else
    warn "PostgreSQL is not answering on 127.0.0.1:5432: its tests will skip (or fail with CI=true)"
fi

if ! command -v redis-cli >/dev/null 2>&1; then
    warn "redis-cli not found: cannot check Redis on 127.0.0.1:6379"
elif [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ]; then
    say "Redis is up on 127.0.0.1:6379"
else
    warn "Redis is not answering on 127.0.0.1:6379: its tests will skip (or fail with CI=true)"
fi
exit 0
