#!/usr/bin/env bash
# Builds the stand-in for Docker Hub's node:24-bookworm-slim offline-capable: a debootstrap'ed
# Debian bookworm (minbase) plus a Node binary (NODE_BIN, default this machine's node) and this
# machine's npm and corepack, laid out like the official image (/usr/local/bin/node, user `node` =
# uid 1000). Output: a rootfs tarball.
#
#   NODE_BIN="$(bash scripts/node24.sh)" test/images/make-base-image.sh OUT.tar
#
# Needs root, debootstrap, and Debian's package mirror (apt's sources).
set -euo pipefail

out="${1:?usage: make-base-image.sh OUT.tar}"
suite=bookworm
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
node_bin="$(readlink -f "${NODE_BIN:-$(command -v node)}")"
# npm and corepack are JavaScript: this machine's copies run on the image's Node too.
host_node="$(readlink -f "$(command -v node)")"
node_prefix="$(dirname "$(dirname "$host_node")")"   # /usr or /usr/local
node_modules="$node_prefix/lib/node_modules"

work="$(mktemp -d /var/tmp/locust-ts-rootfs.XXXXXX)"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"

echo "[base-image] debootstrap --variant=minbase $suite (node from $node_bin)"
# libstdc++6: node links it dynamically. Nothing else: the image stays close to -slim.
debootstrap --variant=minbase --include=libstdc++6 "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 || {
  tail -20 "$work/debootstrap.log" >&2
  exit 1
}

install -D -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
mkdir -p "$rootfs/usr/local/lib/node_modules"
for tool in npm corepack; do
  cp -a "$node_modules/$tool" "$rootfs/usr/local/lib/node_modules/"
done
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
ln -s ../lib/node_modules/corepack/dist/corepack.js "$rootfs/usr/local/bin/corepack"

# The official image's unprivileged user.
chroot "$rootfs" groupadd --gid 1000 node
chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node

# Trim what an image does not need (as the -slim images do).
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* \
  "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/* "$rootfs"/usr/share/info/*

tar -C "$rootfs" -cf "$out" .
echo "[base-image] $(du -h "$out" | cut -f1) rootfs written to $out"
