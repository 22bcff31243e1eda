#!/usr/bin/env bash
# Builds both images under the names the manifests use (docker/images.env), from the repo root.
#
#   docker/build.sh                      # with docker (e.g. after: eval $(minikube docker-env))
#   CONTAINER_CLI=podman docker/build.sh --pull=never ...   # extra args go to every build
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=images.env
source docker/images.env
cli="${CONTAINER_CLI:-docker}"

build() {
  local dockerfile="$1" image="$2"
  shift 2
  echo "[build] $image from $dockerfile"
  "$cli" build -f "$dockerfile" -t "$image" "$@" .
}

build docker/Dockerfile.target "$TARGET_IMAGE" "$@"
build docker/Dockerfile.locust "$LOCUST_IMAGE" "$@"
