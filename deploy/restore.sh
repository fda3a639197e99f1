#!/usr/bin/env bash
# Restore a backup into an EMPTY database: deploy/restore.sh FILE TARGET_DATABASE_URL
#
# Create the target first (createdb participate_restored). The restore runs in one
# transaction and stops at the first error, so a failed restore leaves the target empty.
# Then point DATABASE_URL at it, run `flask db upgrade` (a no-op for a same-version backup)
# and check /readyz.
set -euo pipefail

dump="${1:?usage: restore.sh FILE TARGET_DATABASE_URL}"
url="${2:?usage: restore.sh FILE TARGET_DATABASE_URL}"
url="${url/postgresql+psycopg:/postgresql:}"

pg_restore --exit-on-error --single-transaction --no-owner --no-privileges --dbname="$url" "$dump"
echo "restored $dump"
