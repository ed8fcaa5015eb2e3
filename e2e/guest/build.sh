#!/usr/bin/env bash
# Builds Porthole's stand-in for the dockurr/windows image from Debian packages only
# (debootstrap + docker import) and prints its tag on the last line of stdout.
# The tag is a hash of this recipe: an image that already has it is reused, not rebuilt.
# Needs root (debootstrap, chroot), a running Docker engine and deb.debian.org.
set -Eeuo pipefail

readonly SUITE="bookworm"
readonly MIRROR="${STANDIN_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
readonly REPOSITORY="porthole/standin-windows"
readonly PACKAGES=(qemu-system-x86 nginx-light websocketd inotify-tools socat procps tini)
readonly LOCK_FILE="/tmp/porthole-standin-build.lock"

here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
readonly here

log() { printf 'standin: %s\n' "$*" >&2; }
fail() { printf 'standin: ERROR: %s\n' "$*" >&2; exit 1; }

recipe_hash() {
  (
    cd -- "$here"
    printf '%s\n' "$SUITE" "$MIRROR" "${PACKAGES[*]}"
    sha256sum build.sh
    find files -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
  ) | sha256sum | cut -c1-12
}

image_exists() {
  docker image inspect "$1" >/dev/null 2>&1
}

tag="$REPOSITORY:$(recipe_hash)"
readonly tag

if image_exists "$tag"; then
  printf '%s\n' "$tag"
  exit 0
fi

command -v docker >/dev/null || fail "docker is not installed (run e2e/testbed/ensure-testbed.sh)."
docker info >/dev/null 2>&1 || fail "the Docker engine does not answer (run e2e/testbed/ensure-testbed.sh)."
(( EUID == 0 )) || fail "building the stand-in image needs root (debootstrap, chroot): sudo bash e2e/guest/build.sh"
command -v debootstrap >/dev/null || fail "debootstrap is missing: apt-get install debootstrap"

# One build at a time on this machine; a build that finished while we waited is reused.
exec 9>"$LOCK_FILE"
flock 9
if image_exists "$tag"; then
  printf '%s\n' "$tag"
  exit 0
fi

work="$(mktemp -d "${TMPDIR:-/var/tmp}/porthole-standin.XXXXXX")"
cleanup() { rm -rf --one-file-system -- "$work"; }
trap cleanup EXIT
rootfs="$work/rootfs"
started=$SECONDS

log "building $tag in $work"
log "debootstrap $SUITE (minbase) from $MIRROR..."
if ! debootstrap --variant=minbase "$SUITE" "$rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1; then
  tail -n 30 "$work/debootstrap.log" >&2
  fail "debootstrap failed"
fi

# Keep package scripts from starting services on the build host.
printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
chmod 755 "$rootfs/usr/sbin/policy-rc.d"
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"

log "installing ${PACKAGES[*]}..."
if ! chroot "$rootfs" /usr/bin/env DEBIAN_FRONTEND=noninteractive LC_ALL=C \
  sh -c 'apt-get update && apt-get install -y --no-install-recommends "$@"' apt "${PACKAGES[@]}" \
  >"$work/apt.log" 2>&1; then
  tail -n 30 "$work/apt.log" >&2
  fail "installing the packages failed"
fi

chroot "$rootfs" apt-get clean
rm -f "$rootfs/usr/sbin/policy-rc.d"
: >"$rootfs/etc/resolv.conf"
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin \
  "$rootfs"/usr/share/{doc,man,info,locale,lintian} "$rootfs"/var/log/*.log "$rootfs"/var/log/apt/*

cp -a "$here/files/." "$rootfs/"
chmod 755 "$rootfs/usr/local/bin/standin-entry" "$rootfs/usr/local/bin/standin-status" "$rootfs/usr/local/bin/standin-tone"
mkdir -p "$rootfs/storage" "$rootfs/run/shm"
printf '%s\n' "6.05" >"$rootfs/etc/version"

log "importing into Docker..."
base="$tag-import"
tar --numeric-owner -C "$rootfs" -c . |
  docker import \
    --change 'ENTRYPOINT ["/usr/bin/tini", "-s", "--", "/usr/local/bin/standin-entry"]' \
    --change 'VOLUME /storage' \
    --change 'EXPOSE 8006' \
    --change 'EXPOSE 3389' \
    --change 'WORKDIR /' \
    --change 'ENV VERSION=11 RAM_SIZE=4G CPU_CORES=2 DISK_SIZE=64G' \
    --change 'LABEL io.porthole.standin="dockurr/windows" org.opencontainers.image.version="6.05"' \
    --message "Porthole stand-in for dockurr/windows (recipe ${tag##*:})" \
    - "$base" >/dev/null

# `docker import --change` takes no STOPSIGNAL on older engines: a one-line build adds it.
if ! printf 'FROM %s\nSTOPSIGNAL SIGTERM\n' "$base" | DOCKER_BUILDKIT=0 docker build -q -t "$tag" - >"$work/stopsignal.log" 2>&1; then
  cat "$work/stopsignal.log" >&2
  log "could not add STOPSIGNAL (SIGTERM is the engine's default anyway); using the imported image as is"
  docker tag "$base" "$tag"
fi
docker rmi "$base" >/dev/null

# Other recipes' images are dropped unless a container still uses them or they are recent: another checkout
# (a worktree, a branch) on this machine may be testing with one right now (dropping it made each rebuild the
# other's). A test run holds its image with a container never started (e2e/testbed/testbed.ts, label
# io.porthole.standin-hold=<pid>); holds whose process is gone are dropped first.
readonly KEEP_OTHER_RECIPES_SECONDS=$((2 * 86400))
for hold in $(docker ps -aq --filter label=io.porthole.standin-hold); do
  pid="$(docker inspect --format '{{index .Config.Labels "io.porthole.standin-hold"}}' "$hold" 2>/dev/null || :)"
  [[ "$pid" =~ ^[1-9][0-9]*$ ]] && kill -0 "$pid" 2>/dev/null && continue
  docker rm -f "$hold" >/dev/null 2>&1 || :
done
# Checked by ancestor, not left to docker rmi's refusal: rmi of one of two tags of an image (a test tags it
# dockurr/windows:porthole-standin) only untags it, even while a container uses it.
for old in $(docker image ls --format '{{.Repository}}:{{.Tag}}' "$REPOSITORY"); do
  [ "$old" = "$tag" ] && continue
  [ -n "$(docker ps -aq --filter "ancestor=$old" 2>/dev/null)" ] && continue
  created="$(docker image inspect --format '{{.Created}}' "$old" 2>/dev/null)" || continue
  made="$(date -d "$created" +%s 2>/dev/null)" || continue
  (( EPOCHSECONDS - made > KEEP_OTHER_RECIPES_SECONDS )) || continue
  docker rmi "$old" >/dev/null 2>&1 || :
done

log "built $tag in $((SECONDS - started)) s"
printf '%s\n' "$tag"
