#!/usr/bin/env bash
# Docker for the integration tests, on a machine that has no engine running and no image registry to pull from.
#
#   it/docker/prepare.sh up     install the engine if missing (Debian's docker.io), start a dockerd that this script
#                               owns, and build the project's Kafka image if it is missing. Idempotent.
#   it/docker/prepare.sh down   stop the dockerd that `up` started and remove what it leaves behind (containers,
#                               networks, the docker0 bridge, its iptables chains). Idempotent.
#   it/docker/prepare.sh image  print the name of the project's Kafka image (what the tests look for).
#
# The image is named streamguard/kafka:<kafka version>-<hash of its inputs>: changing the Dockerfile, the run script,
# the logging config or the jars' pom gives a new name, so `up` builds it again. Logs go to it/target/docker/.
# Maven arguments for the jar download (e.g. -Dmaven.repo.local=...) are taken from MAVEN_ARGS, as Maven does.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
STATE="$ROOT/it/target/docker"
# Outside target/: a `mvn clean` while dockerd runs must not make `down` forget the daemon it has to stop.
PIDFILE=/var/run/streamguard-it-dockerd.pid
SOCKET=/var/run/docker.sock
IMAGE_REPO=streamguard/kafka
BASE_REPO=streamguard/debian-jre

log() { echo "[prepare.sh] $*" >&2; }
die() { echo "[prepare.sh] ERROR: $*" >&2; exit 1; }

# Debian's CLI matches Debian's daemon (20.10); a newer docker CLI earlier on the PATH is not needed.
docker_cli() {
  if [ -x /usr/bin/docker ]; then /usr/bin/docker "$@"; else docker "$@"; fi
}

pom_property() {
  sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$ROOT/pom.xml" | head -n 1
}

image_name() {
  local kafka log4j hash
  kafka="$(pom_property kafka.broker.version)"
  log4j="$(pom_property broker.log4j.version)"
  [ -n "$kafka" ] || die "cannot read kafka.broker.version from $ROOT/pom.xml"
  hash="$( (cd "$HERE" && cat Dockerfile run log4j2.properties pom.xml && echo "kafka=$kafka log4j=$log4j" \
    && echo "base=$(base_name)") | sha256sum | cut -c1-12)"
  echo "$IMAGE_REPO:$kafka-$hash"
}

# The base image depends only on the Debian release and the packages it includes.
BASE_SUITE=bookworm
BASE_PACKAGES=openjdk-17-jre-headless,bash
base_name() {
  echo "$BASE_REPO:$BASE_SUITE-$(echo "$BASE_SUITE $BASE_PACKAGES" | sha256sum | cut -c1-12)"
}

debian_mirror() {
  # The machine's own Debian mirror (deb822 sources first, then one-line sources).
  local uri
  uri="$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security \
    | grep -m1 debian || true)"
  if [ -z "$uri" ]; then
    uri="$(grep -h '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{print $2}' \
      | grep -v security | grep -m1 debian || true)"
  fi
  [ -n "$uri" ] || die "no Debian mirror in /etc/apt/sources.list*: cannot debootstrap the base image"
  echo "$uri"
}

engine_answers() {
  docker_cli version --format '{{.Server.Version}}' >/dev/null 2>&1
}

install_engine() {
  if command -v dockerd >/dev/null 2>&1 && command -v debootstrap >/dev/null 2>&1 \
      && command -v iptables >/dev/null 2>&1; then
    return
  fi
  [ "$(id -u)" = 0 ] || die "the Docker engine is missing and installing it needs root"
  log "installing docker.io, iptables and debootstrap (apt-get, log in $STATE/apt.log)"
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      docker.io iptables debootstrap; } >"$STATE/apt.log" 2>&1 \
    || die "apt-get failed, see $STATE/apt.log"
}

start_engine() {
  if engine_answers; then
    if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
      log "dockerd (pid $(cat "$PIDFILE"), started by this script) already runs"
    else
      log "a Docker engine not started by this script answers on $SOCKET; using it (down will leave it alone)"
    fi
    return
  fi
  [ "$(id -u)" = 0 ] || die "starting dockerd needs root"
  rm -f "$PIDFILE"
  log "starting dockerd (log in $STATE/dockerd.log)"
  # setsid: the daemon must outlive this script and not get the terminal's signals.
  setsid dockerd --pidfile "$PIDFILE" -H "unix://$SOCKET" >"$STATE/dockerd.log" 2>&1 < /dev/null &
  local i
  for i in $(seq 1 60); do
    if engine_answers; then
      log "dockerd $(docker_cli version --format '{{.Server.Version}}') answers after ${i}x0.5 s"
      return
    fi
    sleep 0.5
  done
  die "dockerd did not answer within 30 s, see $STATE/dockerd.log"
}

image_exists() {
  docker_cli image inspect "$1" >/dev/null 2>&1
}

build_base() {
  local base rootfs mirror
  base="$(base_name)"
  if image_exists "$base"; then
    return
  fi
  mirror="$(debian_mirror)"
  rootfs="$STATE/rootfs"
  rm -rf "$rootfs"
  log "debootstrap $BASE_SUITE (minbase + $BASE_PACKAGES) from $mirror (log in $STATE/debootstrap.log)"
  debootstrap --variant=minbase --include="$BASE_PACKAGES" "$BASE_SUITE" "$rootfs" "$mirror" \
    >"$STATE/debootstrap.log" 2>&1 || die "debootstrap failed, see $STATE/debootstrap.log"
  # Keep the image small: apt's caches and lists are not needed at run time.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  log "importing $base"
  tar -C "$rootfs" -c . | docker_cli import - "$base" >/dev/null
  rm -rf "$rootfs"
}

build_kafka_image() {
  local image context
  image="$(image_name)"
  if image_exists "$image"; then
    log "image $image exists"
    return
  fi
  build_base
  context="$STATE/context"
  rm -rf "$context"
  mkdir -p "$context/libs"
  cp "$HERE/Dockerfile" "$HERE/run" "$HERE/log4j2.properties" "$context/"
  log "resolving the Kafka jars from Maven (log in $STATE/jars.log)"
  # shellcheck disable=SC2086 # MAVEN_ARGS is a list of arguments, as Maven itself reads it
  "$ROOT/mvnw" -B -ntp -f "$HERE/pom.xml" ${MAVEN_ARGS:-} dependency:copy-dependencies \
    -Dkafka.broker.version="$(pom_property kafka.broker.version)" \
    -Dbroker.log4j.version="$(pom_property broker.log4j.version)" -DincludeScope=runtime -DoutputDirectory="$context/libs" >"$STATE/jars.log" 2>&1 \
    || die "resolving the Kafka jars failed, see $STATE/jars.log"
  log "building $image (log in $STATE/build.log)"
  docker_cli build --build-arg "BASE=$(base_name)" -t "$image" "$context" >"$STATE/build.log" 2>&1 \
    || die "docker build failed, see $STATE/build.log"
  rm -rf "$context"
  log "built $image"
  # Images of earlier inputs are never used again.
  docker_cli images --format '{{.Repository}}:{{.Tag}}' "$IMAGE_REPO" | grep -vxF "$image" \
    | xargs -r "$(command -v /usr/bin/docker || command -v docker)" rmi >/dev/null 2>&1 || true
}

up() {
  mkdir -p "$STATE"
  install_engine
  start_engine
  build_kafka_image
  log "ready: run the tests with -Dstreamguard.it.broker=container (image $(image_name))"
}

remove_iptables_chains() {
  local table chain rule
  for table in filter nat; do
    # First the rules of built-in chains that jump to Docker's chains or masquerade its bridges.
    iptables -t "$table" -S 2>/dev/null | grep -E '^-A (INPUT|FORWARD|OUTPUT|PREROUTING|POSTROUTING) ' \
      | grep -E -- '-j DOCKER|docker0|br-[0-9a-f]{12}|172\.1[7-9]\.0\.0/16' | while read -r rule; do
        # shellcheck disable=SC2086 # the rule is a list of iptables arguments
        iptables -t "$table" ${rule/-A/-D} 2>/dev/null || true
      done
    for chain in $(iptables -t "$table" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^DOCKER/ {print $2}'); do
      iptables -t "$table" -F "$chain" 2>/dev/null || true
    done
    for chain in $(iptables -t "$table" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^DOCKER/ {print $2}'); do
      iptables -t "$table" -X "$chain" 2>/dev/null || true
    done
  done
}

down() {
  if [ ! -f "$PIDFILE" ]; then
    log "no dockerd started by this script (no $PIDFILE): nothing to stop"
    return
  fi
  local pid link
  pid="$(cat "$PIDFILE")"
  if kill -0 "$pid" 2>/dev/null; then
    # Containers and networks of tests that did not clean up; this dockerd is ours, so are they.
    # shellcheck disable=SC2046
    docker_cli rm -f $(docker_cli ps -aq) >/dev/null 2>&1 || true
    docker_cli network prune -f >/dev/null 2>&1 || true
    log "stopping dockerd (pid $pid)"
    kill "$pid"
    local i
    for i in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "dockerd did not stop within 30 s; killing it"
      kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$PIDFILE"
  for link in docker0 $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | grep -E '^br-[0-9a-f]{12}$' || true); do
    if ip link show "$link" >/dev/null 2>&1; then
      ip link delete "$link" 2>/dev/null || true
    fi
  done
  remove_iptables_chains
  log "dockerd stopped; docker0 and Docker's iptables chains removed"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  image) image_name ;;
  *) echo "usage: $0 up|down|image" >&2; exit 2 ;;
esac
