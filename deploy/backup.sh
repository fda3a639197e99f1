#!/usr/bin/env bash
# Back up the Participate database: deploy/backup.sh [FILE]
#
# Reads DATABASE_URL (the app's own setting; "postgresql+psycopg://" is accepted). Writes a
# pg_dump custom-format archive (compressed, restorable table by table) readable only by the
# running user, checks that pg_restore can read it, and prints its name. The archive holds
# personal data: keep it encrypted and delete it after the retention period (docs/operations.md).
set -euo pipefail

url="${DATABASE_URL:?set DATABASE_URL to the database to back up}"
url="${url/postgresql+psycopg:/postgresql:}"
out="${1:-participate-$(date -u +%Y%m%dT%H%M%SZ).dump}"

umask 077
pg_dump --format=custom --no-owner --no-privileges --file="$out" "$url"
pg_restore --list "$out" >/dev/null
echo "$out"
