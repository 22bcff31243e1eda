#!/usr/bin/env bash
# pnpm test:images — builds the two images from docker/ for real, then runs the rendered
# manifests (`kubectl kustomize deploy/manifests/base`, then `.../pulse-job`, the generated
# ConfigMap included) under `podman kube play` (test/images/kube-play/): the pod specs as a cluster
# gets them, with only what podman cannot do replaced (listed in docs/kubernetes.md). Through the
# base's pods: every probe passes, a pulse ends with 0 failures, the target's /metrics shows the CPU
# per request, each container runs as its securityContext says, and stops at once on SIGTERM. The
# pulse Job runs its own args against the Kubernetes API stand-in and must exit 0. Besides: the images' user, that their
# workspace packages load on plain Node, that they carry no build tooling or caches; sizes and
# start times. podman runs in a network namespace of its own: its bridge, DNS (aardvark-dns) and
# the ports kube play publishes never reach the machine's network.
#
# Needs root, podman (+ runc, netavark, aardvark-dns), debootstrap, iproute2, kubectl — .ci/run
# installs them from Debian (kubectl comes with the machine image). The base
# image (node:24-bookworm-slim) is made locally: debootstrap + Node 24 (scripts/node24.sh), imported
# under that name, so builds run with --pull=never. Everything this script creates (namespaces, links,
# routes, containers, images) is removed on exit. Two caches stay: the base rootfs tarball, and
# the Dockerfiles' package caches (buildah's RUN --mount=type=cache dirs, /var/tmp/buildah-cache/
# locust-ts-*, ~650 MB: pnpm store, registry metadata, npm's cache for pnpm itself), which turn a
# ~3 min cold build into ~1 min. Delete either to start cold.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source docker/images.env

readonly BASE_IMAGE=docker.io/library/node:24-bookworm-slim
NODE24_BIN="$(bash scripts/node24.sh)"
readonly NODE24_BIN
readonly NODE_VERSION="$("$NODE24_BIN" -p process.versions.node)"
readonly CACHE_DIR="${LOCUST_TS_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/locust-ts}"
readonly BASE_TAR="$CACHE_DIR/base-bookworm-node-$NODE_VERSION.tar"
# Start-time samples per variant (cold /tmp: tsx compiles; warm: its cache is reused).
readonly START_SAMPLES=3
readonly RUN_ID="lt$$"
# podman and everything it starts for the pods live in this network namespace.
readonly KUBE_NS="$RUN_ID-kube"
readonly BUILD_FLAGS=(--runtime runc --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 --network host --pull=never
  -v /etc/ssl/certs/ca-certificates.crt:/run/host-ca.crt:ro --build-arg NODE_EXTRA_CA_CERTS=/run/host-ca.crt)
# For the image checks below (not the pods: those run from the manifests): runc as on this machine,
# a read-only root with a writable /tmp as every pod has it.
readonly RUN_BASE_FLAGS=(--runtime runc --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 --read-only)
readonly RUN_FLAGS=("${RUN_BASE_FLAGS[@]}" --tmpfs /tmp:rw,size=64m)

passed=0 failed=0
kube_ns_added=0
images_before="" images_recorded=0
work="$(mktemp -d /tmp/locust-ts-images.XXXXXX)"

log() { printf '[images] %s\n' "$*"; }
pass() { passed=$((passed + 1)); printf '[images] PASS %s\n' "$*"; }
fail() { failed=$((failed + 1)); printf '[images] FAIL %s\n' "$*"; }
die() { printf '[images] error: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

cleanup() {
  local code=$?
  set +e
  # kube-play/main.ts removes its pods and network itself; this is for a run cut short
  podman pod ls --format '{{.Name}}' 2>/dev/null | grep "^$RUN_ID-" | xargs -r podman pod rm -f -t 0 >/dev/null 2>&1
  podman network rm -f "$RUN_ID-net" >/dev/null 2>&1
  [ "$kube_ns_added" = 1 ] && ip netns del "$KUBE_NS" 2>/dev/null
  # Exactly the images that appeared during this run (ours, their build stages, the base).
  if [ "$images_recorded" = 1 ]; then
    comm -13 <(sort -u <<<"$images_before") <(podman images -a -q --no-trunc | sort -u) | xargs -r podman rmi -f >/dev/null 2>&1
  fi
  rm -rf "$work"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

preflight() {
  [ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, podman storage)"
  for tool in podman runc debootstrap ip nsenter kubectl; do command -v "$tool" >/dev/null || die "$tool is missing (apt-get install podman runc debootstrap iproute2)"; done
  for image in "$BASE_IMAGE" "$LOCUST_IMAGE" "$TARGET_IMAGE"; do
    if podman image exists "$image"; then die "image $image already exists: remove it first (podman rmi $image), this run must own it"; fi
  done
  images_before="$(podman images -a -q --no-trunc)" images_recorded=1
}

make_base_image() {
  local started; started=$(now)
  mkdir -p "$CACHE_DIR"
  if [ ! -s "$BASE_TAR" ]; then
    NODE_BIN="$NODE24_BIN" bash test/images/make-base-image.sh "$BASE_TAR.tmp" && mv "$BASE_TAR.tmp" "$BASE_TAR"
  else
    log "base rootfs cached: $BASE_TAR"
  fi
  podman import --quiet --change 'CMD ["node"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' "$BASE_TAR" "$BASE_IMAGE" >/dev/null
  log "base image $BASE_IMAGE ready in $(since "$started")s"
}

build_images() {
  local started; started=$(now)
  if CONTAINER_CLI=podman bash docker/build.sh "${BUILD_FLAGS[@]}" >"$work/build.log" 2>&1; then
    pass "both images build from docker/ ($(since "$started")s)"
  else
    tail -30 "$work/build.log"
    fail "image build (log above)"
    exit 1
  fi
  for image in "$TARGET_IMAGE" "$LOCUST_IMAGE"; do
    log "size $image: $(podman image inspect --format '{{.Size}}' "$image" | awk '{ printf "%.0f MB", $1 / 1e6 }')"
  done
  log "size $BASE_IMAGE (base): $(podman image inspect --format '{{.Size}}' "$BASE_IMAGE" | awk '{ printf "%.0f MB", $1 / 1e6 }')"
}

# How long a container takes from `podman run` to having loaded the locustfile and every module
# (`-l`), with an empty /tmp (tsx compiles the TypeScript sources) and with the compile cache a
# first run left in /tmp (no compile): the cost of compiling at pod start.
measure_start_times() {
  local warm="$work/warm-tmp" variant i started
  install -m 0444 deploy/manifests/base/locustfile.ts "$work/locustfile.ts"
  mkdir -p "$warm" && chown 1000:1000 "$warm"
  local base=(--rm "${RUN_BASE_FLAGS[@]}" --network none -v "$work/locustfile.ts:/locustfile.ts:ro")
  podman run "${base[@]}" -v "$warm:/tmp" "$LOCUST_IMAGE" -f /locustfile.ts -l >/dev/null 2>&1 || true
  for variant in cold warm; do
    local samples=()
    for i in $(seq 1 "$START_SAMPLES"); do
      local tmp=(--tmpfs /tmp:rw,size=64m)
      [ "$variant" = warm ] && tmp=(-v "$warm:/tmp")
      started=$(now)
      podman run "${base[@]}" "${tmp[@]}" "$LOCUST_IMAGE" -f /locustfile.ts -l >/dev/null 2>&1 || true
      samples+=("$(since "$started")")
    done
    log "start: locust-ts -l in the image, $variant /tmp: ${samples[*]} s (load $(cut -d' ' -f1 /proc/loadavg))"
  done
}

# What the runtime images must not carry: a package manager, the UI's build tooling, package
# caches, zeromq addons for other platforms.
check_contents() {
  local image leftovers
  for image in "$LOCUST_IMAGE" "$TARGET_IMAGE"; do
    leftovers="$(podman run --rm "${RUN_FLAGS[@]}" --user 0 --network none --entrypoint sh "$image" -c '
      command -v pnpm
      ls /app/node_modules/.pnpm | grep -E "^(vite|locust-ui|react|react-dom|@mui\+|echarts|typescript|rolldown)@"
      ls -d /root/.cache/pnpm /root/.local/share/pnpm /root/.npm/_cacache /app/packages/webui/node_modules/.vite 2>/dev/null
      ls -d /app/node_modules/.pnpm/zeromq@*/node_modules/zeromq/build/* 2>/dev/null | grep -v -E "/(linux|manifest.json)$"
      true')"
    if [ -z "$leftovers" ]; then pass "$image: no pnpm, UI build tooling, caches or foreign prebuilds"
    else fail "$image carries: $(tr '\n' ' ' <<<"$leftovers")"; fi
  done
}

# Every workspace module the CLI may load later (kube-watch only for --watch-scale) must be
# compiled: plain Node in the image cannot import a .ts file.
check_compiled() {
  local out
  out="$(podman run --rm "${RUN_FLAGS[@]}" --network none --workdir /app/packages/cli --entrypoint node "$LOCUST_IMAGE" \
    --input-type=module -e "await import('@locust-ts/kube-watch'); await import('@locust-ts/master'); await import('@locust-ts/worker'); console.log('loaded')" 2>&1)"
  [ "$out" = loaded ] && pass "the image's workspace packages load on plain Node (kube-watch for --watch-scale)" || fail "a workspace package does not load in the image: $(tail -3 <<<"$out" | tr '\n' ' ')"
}

check_user() {
  local uid
  uid="$(podman run --rm "${RUN_FLAGS[@]}" --network none --entrypoint id "$LOCUST_IMAGE" -u)"
  [ "$uid" = 1000 ] && pass "locust-ts image runs as uid 1000" || fail "locust-ts image user: $uid"
  uid="$(podman run --rm "${RUN_FLAGS[@]}" --network none --entrypoint id "$TARGET_IMAGE" -u)"
  [ "$uid" = 1000 ] && pass "target image runs as uid 1000" || fail "target image user: $uid"
}

# The manifests under `podman kube play`, from inside a network namespace of this run's own
# (nsenter, not `ip netns exec`: that remounts /sys, and podman then finds no cgroups). podman's
# runtime and ulimits as this machine needs them (VERIFIED.md) come from a containers.conf: kube
# play has no flags for them.
run_kube_play() {
  ip netns add "$KUBE_NS" && kube_ns_added=1
  ip -n "$KUBE_NS" link set lo up
  printf '[containers]\ndefault_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]\n[engine]\nruntime = "runc"\n' >"$work/containers.conf"
  local started; started=$(now)
  CONTAINERS_CONF="$work/containers.conf" nsenter --net="/run/netns/$KUBE_NS" \
    node --import tsx test/images/kube-play/main.ts "$RUN_ID" "$work" 2>&1 | tee "$work/kube-play.log"
  local counts
  counts="$(grep -E '^kube-play: [0-9]+ passed, [0-9]+ failed$' "$work/kube-play.log" | tail -1)"
  if [ -z "$counts" ]; then fail "kube play: no result line (log above)"; return 0; fi
  passed=$((passed + $(awk '{ print $2 }' <<<"$counts")))
  failed=$((failed + $(awk '{ print $4 }' <<<"$counts")))
  log "kube play of the manifests took $(since "$started")s"
}

# --- a user's own folder (issue 20): `-v $PWD:/mnt/locust -f /mnt/locust/locustfile.ts`, as
# locustio/locust is used. The locustfile imports a module of its folder; a second one imports an
# npm package, installed by the two-line derived Dockerfile docs/install.md gives (plus an ARG for
# this build's CA bundle, as the images' own builds have). `-l` loads and checks every class.
check_user_folder() {
  local dir="$work/user-folder" derived="localhost/locust-ts-user-folder:$RUN_ID" out
  mkdir -p "$dir/lib"
  printf "export const helloPath = (): string => '/hello';\n" >"$dir/lib/paths.ts"
  printf "import { HttpUser, constant, task } from 'locust-ts';\nimport { helloPath } from './lib/paths';\n\nexport class FolderUser extends HttpUser {\n  waitTime = constant(1);\n\n  @task()\n  async hello(): Promise<void> {\n    await this.client.get(helloPath());\n  }\n}\n" >"$dir/locustfile.ts"
  sed -e "s|^import { helloPath } from './lib/paths';|import { v4 } from 'uuid';\nconst helloPath = (): string => '/hello?run=' + v4();|" -e 's/FolderUser/NpmUser/' "$dir/locustfile.ts" >"$dir/npm-locustfile.ts"
  out="$(podman run --rm "${RUN_FLAGS[@]}" --network none -v "$dir:/mnt/locust:ro" "$LOCUST_IMAGE" -f /mnt/locust/locustfile.ts -l 2>&1)"
  if grep -q FolderUser <<<"$out"; then pass "a locustfile mounted from a folder at /mnt/locust runs, importing its folder's module"
  else fail "mounted folder: $(tail -3 <<<"$out" | tr '\n' ' ')"; fi
  printf 'FROM %s\nARG NODE_EXTRA_CA_CERTS\nRUN npm install --prefix /mnt --no-fund --no-audit uuid@11\n' "$LOCUST_IMAGE" >"$dir/Dockerfile"
  if podman build "${BUILD_FLAGS[@]}" -f "$dir/Dockerfile" -t "$derived" "$dir" >"$work/derived-build.log" 2>&1; then
    out="$(podman run --rm "${RUN_FLAGS[@]}" --network none -v "$dir:/mnt/locust:ro" "$derived" -f /mnt/locust/npm-locustfile.ts -l 2>&1)"
    if grep -q NpmUser <<<"$out"; then pass "an npm package added by a derived image (FROM $LOCUST_IMAGE + npm install --prefix /mnt) is imported by the mounted locustfile"
    else fail "derived image: $(tail -3 <<<"$out" | tr '\n' ' ')"; fi
  else
    tail -15 "$work/derived-build.log"; fail "the derived image with an npm package does not build"
  fi
}

main() {
  local started; started=$(now)
  preflight
  make_base_image
  build_images
  check_user
  check_compiled
  check_contents
  run_kube_play
  measure_start_times
  check_user_folder
  log "image tests took $(since "$started")s"
  echo "images: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

main "$@"
