#!/usr/bin/env bash
# Runs a command on a Node the project supports (>= 22.12, from package.json's engines): the
# machine's own when it is new enough, else the Node 24 that scripts/node24.sh fetches from the
# npm registry, first on PATH, after one line saying so. `pnpm test` and `pnpm dev` go through it,
# so both README commands work on a machine with Node 20.
#
#   bash scripts/with-node.sh node --import tsx scripts/dev.ts
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if node -e '
  const [major, minor] = process.versions.node.split(".").map(Number);
  process.exit(major > 22 || (major === 22 && minor >= 12) ? 0 : 1);
' 2>/dev/null; then
  exec "$@"
fi
node24="$(bash "$here/node24.sh")"
echo "[locust-ts] Node $(node -v 2>/dev/null || echo 'missing') is older than 22.12: using Node $("$node24" -v) from scripts/node24.sh ($node24)" >&2
PATH="$(dirname "$node24"):$PATH" exec "$@"
