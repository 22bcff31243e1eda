#!/usr/bin/env bash
# pnpm test:images — builds the two images from docker/ for real and runs them as "pods":
# master, 2 workers and the target, each in its own network namespace on a private bridge,
# names resolving as the cluster's Services would, the locustfile bind-mounted read-only where the
# ConfigMap is mounted, the target burning TARGET_CPU_MS as in the manifest. The headless master
# must be Ready by TCP on 5557 (what its readinessProbe checks), a 10 s pulse must end with 0
# failures, and the target's /metrics must show the CPU per request. Then checks SIGTERM handling,
# the non-root user and read-only root, that the master serves the web UI shipped prebuilt in the
# image, that the images carry no build tooling or caches, and reports sizes and start times.
#
# Needs root, podman (+ runc), debootstrap, iproute2 — .ci/run installs them from Debian. The base
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
# The pulse: 10 users at 10/s for 10 s on 2 workers, against a target burning CPU per request as
# the manifest's TARGET_CPU_MS does.
readonly USERS=10 SPAWN_RATE=10 RUN_TIME=10s WORKERS=2
readonly TARGET_CPU_MS=10
# The request name the mounted locustfile uses: seen in the stats only if the mount won.
readonly MOUNTED_NAME=hello-from-configmap
# Start-time samples per variant (cold /tmp: tsx compiles; warm: its cache is reused).
readonly START_SAMPLES=3
# Bounds on every wait (seconds): a hung step fails the run instead of blocking CI.
readonly READY_TIMEOUT=60 SWARM_TIMEOUT=90 EXIT_TIMEOUT=30
# A stop is "at once" when it beats podman's 10 s SIGKILL fallback by far.
readonly STOP_LIMIT_S=3
# Private test subnet, used only inside this script's own namespaces.
readonly SUBNET_PREFIX=10.213.77 SUBNET=10.213.77.0/24
readonly RUN_ID="lt$$"
readonly SWITCH_NS="$RUN_ID-sw"
declare -A POD_IP=([target]=$SUBNET_PREFIX.10 [master]=$SUBNET_PREFIX.20 [worker1]=$SUBNET_PREFIX.31 [worker2]=$SUBNET_PREFIX.32 [solo]=$SUBNET_PREFIX.40)
readonly BUILD_FLAGS=(--runtime runc --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 --network host --pull=never
  -v /etc/ssl/certs/ca-certificates.crt:/run/host-ca.crt:ro --build-arg NODE_EXTRA_CA_CERTS=/run/host-ca.crt)
# Like the manifests' securityContext: non-root (image USER), read-only root, /tmp writable, no caps.
readonly RUN_BASE_FLAGS=(--runtime runc --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 --read-only --cap-drop ALL --security-opt no-new-privileges)
readonly RUN_FLAGS=("${RUN_BASE_FLAGS[@]}" --tmpfs /tmp:rw,size=64m)

passed=0 failed=0
created_namespaces=() created_containers=() blackhole_added=0
images_before="" images_recorded=0
netns_etc_created=0
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
  for c in "${created_containers[@]}"; do podman rm -f -t 0 "$c" >/dev/null 2>&1; done
  for ns in "${created_namespaces[@]}"; do ip netns del "$ns" 2>/dev/null; rm -rf "/etc/netns/$ns"; done
  [ "$netns_etc_created" = 1 ] && rmdir /etc/netns 2>/dev/null
  [ "$blackhole_added" = 1 ] && ip route del blackhole "$SUBNET" 2>/dev/null
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
  for tool in podman runc debootstrap ip; do command -v "$tool" >/dev/null || die "$tool is missing (apt-get install podman runc debootstrap iproute2)"; done
  if ip route show | grep -q "^blackhole $SUBNET" || ip -o addr | grep -q " $SUBNET_PREFIX\."; then
    die "test subnet $SUBNET is already in use on this machine"
  fi
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

# A bridge in its own namespace (nothing in the root namespace but a blackhole route for the
# subnet), and one namespace per pod with a veth to it and no route beyond the subnet.
make_network() {
  [ -d /etc/netns ] || netns_etc_created=1
  ip route add blackhole "$SUBNET" && blackhole_added=1
  ip netns add "$SWITCH_NS" && created_namespaces+=("$SWITCH_NS")
  ip -n "$SWITCH_NS" link add br0 type bridge
  ip -n "$SWITCH_NS" link set br0 up
  ip -n "$SWITCH_NS" link set lo up
  for pod in "${!POD_IP[@]}"; do
    local ns="$RUN_ID-$pod"
    ip netns add "$ns" && created_namespaces+=("$ns")
    ip -n "$SWITCH_NS" link add "v-$pod" type veth peer name eth0 netns "$ns"
    ip -n "$SWITCH_NS" link set "v-$pod" master br0 up
    ip -n "$ns" addr add "${POD_IP[$pod]}/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    # Service names as the cluster's DNS would give them (also for `ip netns exec` users).
    mkdir -p "/etc/netns/$ns"
    printf '127.0.0.1 localhost\n%s locust-master\n%s fastapi-service\n' "${POD_IP[master]}" "${POD_IP[target]}" >"/etc/netns/$ns/hosts"
  done
  log "namespaces: ${created_namespaces[*]} on $SUBNET"
}

# run_pod POD IMAGE [podman args...] -- [container args...]
run_pod() {
  local pod="$1" image="$2"; shift 2
  local flags=()
  while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do flags+=("$1"); shift; done
  [ "${1:-}" = "--" ] && shift
  local name="$RUN_ID-$pod"
  created_containers+=("$name")
  # Distinct hostnames: worker client ids are built from them (one shared name would collide).
  podman run -d --name "$name" --hostname "$pod" --network "ns:/run/netns/$RUN_ID-$pod" \
    --add-host "locust-master:${POD_IP[master]}" --add-host "fastapi-service:${POD_IP[target]}" \
    "${RUN_FLAGS[@]}" "${flags[@]}" "$image" "$@" >/dev/null
}

wait_healthy_target() {
  local deadline=$((SECONDS + READY_TIMEOUT))
  # From the master's namespace, through the bridge: the path the swarm's requests take.
  until ip netns exec "$RUN_ID-master" node -e \
    "fetch('http://${POD_IP[target]}:8000/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || { podman logs "$RUN_ID-target" | tail -20; fail "target /healthz within ${READY_TIMEOUT}s"; return 1; }
    sleep 0.5
  done
  pass "target answers /healthz across the bridge (fastapi-service:8000)"
}

# podman wait with a bound; prints the exit code.
wait_exit() {
  local name="$1" limit="$2"
  timeout "$limit" podman wait "$name" 2>/dev/null || echo timeout
}

# The ConfigMap's file as the pods see it (read-only, at the path in the args): the manifest's
# locustfile with a request name only this copy uses, so the stats show which file ran.
write_mounted_locustfile() {
  sed "s|this.client.get('/hello')|this.client.get('/hello', { name: '$MOUNTED_NAME' })|" deploy/manifests/base/locustfile.ts >"$work/locustfile.ts"
  grep -q "$MOUNTED_NAME" "$work/locustfile.ts" || die "could not mark the mounted locustfile"
  chmod 0444 "$work/locustfile.ts"
}

# tcp_open NS HOST PORT: what a tcpSocket probe does, from another pod.
tcp_open() {
  ip netns exec "$1" node -e "const s = require('net').connect($3, '$2');
    s.on('connect', () => process.exit(0)); s.on('error', () => process.exit(1)); setTimeout(() => process.exit(1), 1000)" 2>/dev/null
}

# wait_log POD REGEX: seconds until the pod logged a matching line (or "timeout").
wait_log() {
  local started; started=$(now)
  local deadline=$((SECONDS + READY_TIMEOUT))
  until podman logs "$RUN_ID-$1" 2>&1 | grep -qE "$2"; do
    [ "$SECONDS" -lt "$deadline" ] || { echo timeout; return 0; }
    sleep 0.2
  done
  since "$started"
}

run_swarm() {
  local out="$work/out"
  mkdir -p "$out" && chown 1000:1000 "$out"
  write_mounted_locustfile
  local mount=(-v "$work/locustfile.ts:/locustfile.ts:ro")
  local started; started=$(now)
  run_pod target "$TARGET_IMAGE" -e "TARGET_CPU_MS=$TARGET_CPU_MS"
  wait_healthy_target || return 0
  log "start: target pod healthy after $(since "$started")s"

  started=$(now)
  run_pod master "$LOCUST_IMAGE" "${mount[@]}" -v "$out:/out" -- -f /locustfile.ts --master --host=http://fastapi-service:8000 \
    --headless -u "$USERS" -r "$SPAWN_RATE" -t "$RUN_TIME" --expect-workers "$WORKERS" --csv /out/run
  # The readinessProbe's check: a TCP connect to 5557, from another pod's namespace.
  local deadline=$((SECONDS + READY_TIMEOUT))
  until tcp_open "$RUN_ID-worker1" "${POD_IP[master]}" 5557; do
    [ "$SECONDS" -lt "$deadline" ] || { podman logs "$RUN_ID-master" 2>&1 | tail -10; fail "headless master: 5557 open within ${READY_TIMEOUT}s"; return 0; }
    sleep 0.2
  done
  local ready_s; ready_s=$(since "$started")
  log "start: master pod Ready (TCP 5557) after ${ready_s}s"
  if tcp_open "$RUN_ID-worker1" "${POD_IP[master]}" 8089; then fail "the headless master answers on 8089"
  else pass "headless master is Ready by TCP on 5557 (${ready_s}s) while 8089 is closed: an HTTP GET / probe would never pass"; fi

  for i in $(seq 1 "$WORKERS"); do
    run_pod "worker$i" "$LOCUST_IMAGE" "${mount[@]}" -- -f /locustfile.ts --worker --master-host=locust-master
  done
  for i in $(seq 1 "$WORKERS"); do
    log "start: worker$i connected to the master after $(wait_log "worker$i" 'Connected to the master')s"
  done
  started=$(now)
  local code; code=$(wait_exit "$RUN_ID-master" "$SWARM_TIMEOUT")
  podman logs "$RUN_ID-master" >"$work/master.log" 2>&1 || true
  log "master exited ($code) after $(since "$started")s"
  if [ "$code" != 0 ]; then tail -25 "$work/master.log"; fail "headless swarm: master exit code $code"; return 0; fi

  local stats="$out/run_stats.csv"
  if [ ! -s "$stats" ]; then tail -25 "$work/master.log"; fail "master wrote no $stats"; return 0; fi
  # Locust's CSV columns: Type,Name,Request Count,Failure Count,...
  local row requests failures
  row="$(grep -E '^,Aggregated,' "$stats" || true)"
  requests="$(cut -d, -f3 <<<"$row")" failures="$(cut -d, -f4 <<<"$row")"
  if [[ "$requests" =~ ^[0-9]+$ ]] && [ "$requests" -gt 0 ] && [ "$failures" = 0 ]; then
    pass "10 s headless pulse on $WORKERS workers: $requests requests, 0 failures"
  else
    cat "$stats"; fail "swarm stats: requests=$requests failures=$failures"
  fi
  if grep -qE "^GET,$MOUNTED_NAME,$requests,0," "$stats"; then pass "the bind-mounted locustfile ran, not the image's (every request named $MOUNTED_NAME)"
  else cat "$stats"; fail "the stats do not show the mounted locustfile's request name"; fi
  check_target_metrics "$requests"
  for i in $(seq 1 "$WORKERS"); do
    code=$(wait_exit "$RUN_ID-worker$i" "$EXIT_TIMEOUT")
    if [ "$code" = 0 ]; then pass "worker$i quits when the master ends the run"
    else podman logs "$RUN_ID-worker$i" 2>&1 | tail -10; fail "worker$i after the run: exit $code"; fi
  done
}

# The target's own count of /hello and the CPU they cost: the master's request count (plus at most
# one request per user that was in flight when the run stopped: answered, but no longer recorded),
# and at least TARGET_CPU_MS per request (what makes the HPA act).
check_target_metrics() {
  local expected="$1" metrics count cpu
  metrics="$(ip netns exec "$RUN_ID-worker1" node -e "fetch('http://${POD_IP[target]}:8000/metrics').then(r => r.text()).then(t => process.stdout.write(t))")"
  count="$(awk '$1 == "target_hello_requests_total" { print $2 }' <<<"$metrics")"
  cpu="$(awk '$1 == "target_hello_cpu_seconds_total" { print $2 }' <<<"$metrics")"
  local per_request
  per_request="$(awk -v c="$cpu" -v n="$count" 'BEGIN { if (n > 0) printf "%.1f", c * 1000 / n; else print 0 }')"
  if [[ "$count" =~ ^[0-9]+$ ]] && [ "$count" -ge "$expected" ] && [ "$count" -le $((expected + USERS)) ] \
    && awk -v p="$per_request" -v min="$TARGET_CPU_MS" 'BEGIN { exit !(p >= min) }'; then
    pass "target /metrics: $count /hello (master recorded $expected), ${per_request} ms CPU each (TARGET_CPU_MS=$TARGET_CPU_MS)"
  else
    echo "$metrics"; fail "target /metrics: count=$count (master $expected), cpu per request ${per_request} ms"
  fi
}

# How long a container takes from `podman run` to having loaded the locustfile and every module
# (`-l`), with an empty /tmp (tsx compiles the TypeScript sources) and with the compile cache a
# first run left in /tmp (no compile): the cost of compiling at pod start.
measure_start_times() {
  local warm="$work/warm-tmp" variant i started
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

# `podman stop` sends SIGTERM and waits 10 s before SIGKILL: a clean exit well before that means
# the process (PID 1, no init) handles the signal itself.
check_stop() {
  local pod="$1" what="$2"
  local started; started=$(now)
  podman stop -t 10 "$RUN_ID-$pod" >/dev/null
  local took; took=$(since "$started")
  local code; code=$(podman inspect --format '{{.State.ExitCode}}' "$RUN_ID-$pod")
  if awk -v t="$took" -v l="$STOP_LIMIT_S" 'BEGIN { exit !(t < l) }' && [ "$code" != 137 ]; then
    pass "$what stops on SIGTERM in ${took}s (exit $code)"
  else
    podman logs "$RUN_ID-$pod" 2>&1 | tail -10; fail "$what stop: ${took}s, exit $code"
  fi
}

# The image ships only the UI's built dist/ (its libraries are build-time dependencies): the
# web-mode master must serve it as is, page and bundle, without trying to build it.
check_web_ui() {
  local base="http://${POD_IP[master]}:8089"
  local deadline=$((SECONDS + READY_TIMEOUT))
  until ip netns exec "$RUN_ID-worker2" node -e "
    fetch('$base/').then(r => r.ok ? r.text() : Promise.reject(r.status)).then((html) => {
      const js = html.match(/src=\"\\.?\\/?(assets\\/[^\"]+\\.js)\"/);
      if (!js) { console.error('no script in the page'); process.exit(2); }
      return fetch('$base/' + js[1]).then(a => process.exit(a.ok ? 0 : 3));
    }, () => process.exit(1))" 2>"$work/webui.err"; do
    [ "$SECONDS" -lt "$deadline" ] || { cat "$work/webui.err"; podman logs "$RUN_ID-master" 2>&1 | tail -10; fail "master web UI (page + bundle) within ${READY_TIMEOUT}s"; return 0; }
    sleep 0.5
  done
  if podman logs "$RUN_ID-master" 2>&1 | grep -q 'Building the Locust web UI'; then
    fail "the image's master tried to build the web UI"
  else
    pass "the master serves the prebuilt web UI (page + bundle) from the image"
  fi
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

check_signals() {
  podman rm -f -t 0 "$RUN_ID-master" "$RUN_ID-worker1" >/dev/null 2>&1 || true
  run_pod master "$LOCUST_IMAGE" -- -f /locustfile.ts --master --host=http://fastapi-service:8000
  run_pod worker1 "$LOCUST_IMAGE" -- -f /locustfile.ts --worker --master-host=locust-master
  sleep 3 # let both start up and connect: the signal must find them running
  check_web_ui
  check_stop worker1 "a connected worker"
  check_stop master "the web-mode master"
  check_stop target "the target server"
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
  local image writes
  for image in "$LOCUST_IMAGE" "$TARGET_IMAGE"; do
    writes="$(podman run --rm "${RUN_FLAGS[@]}" --network none --entrypoint sh "$image" -c '
      touch /app/x 2>/dev/null && echo app; touch /x 2>/dev/null && echo root; touch /tmp/x && echo tmp')"
    [ "$writes" = tmp ] && pass "$image: read-only root filesystem (/, /app), writable /tmp" || fail "$image writable: $(tr '\n' ' ' <<<"$writes")"
  done
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
  make_network
  run_swarm
  measure_start_times
  check_user_folder
  check_signals
  log "image tests took $(since "$started")s"
  echo "images: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

main "$@"
