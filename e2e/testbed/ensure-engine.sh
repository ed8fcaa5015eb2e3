#!/usr/bin/env bash
# Makes sure a Docker engine answers. As root on Debian/Ubuntu it installs docker.io and starts
# dockerd when needed; anywhere else it prints the remedy and exits 1.
set -Eeuo pipefail

readonly DOCKERD_LOG="/tmp/porthole-dockerd.log"
readonly WAIT_SECONDS=60

engine_answers() { command -v docker >/dev/null && docker info >/dev/null 2>&1; }

is_debian_like() {
  [ -r /etc/os-release ] || return 1
  local id id_like
  id="$(. /etc/os-release && printf '%s' "${ID:-}")"
  id_like="$(. /etc/os-release && printf '%s' "${ID_LIKE:-}")"
  [[ " $id $id_like " == *" debian "* || " $id $id_like " == *" ubuntu "* ]]
}

remedy() {
  cat >&2 <<'TEXT'
ensure-engine: no Docker engine answers `docker info`.
  Install and start one:  sudo apt-get install docker.io && sudo systemctl enable --now docker
  Let your user reach it:  sudo usermod -aG docker "$USER"   (then log out and in again)
  Or point DOCKER_HOST at a running engine (rootless Docker, Podman's docker-compatible socket).
TEXT
  exit 1
}

engine_answers && exit 0

if (( EUID != 0 )) || ! is_debian_like; then
  remedy
fi

if ! command -v dockerd >/dev/null || ! command -v docker >/dev/null; then
  echo "ensure-engine: installing docker.io..." >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io >&2
fi

engine_answers && exit 0

if ! pgrep -x dockerd >/dev/null; then
  echo "ensure-engine: starting dockerd (log: $DOCKERD_LOG)..." >&2
  nohup dockerd >"$DOCKERD_LOG" 2>&1 </dev/null &
  disown || :
fi

for ((i = 0; i < WAIT_SECONDS; i++)); do
  engine_answers && exit 0
  sleep 1
done

echo "ensure-engine: dockerd did not answer within $WAIT_SECONDS s; see $DOCKERD_LOG" >&2
tail -n 20 "$DOCKERD_LOG" >&2 || :
exit 1
