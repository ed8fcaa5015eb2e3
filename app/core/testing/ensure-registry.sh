#!/usr/bin/env bash
# Test bed: makes sure the image registry server (CNCF distribution, Debian's `docker-registry`
# package) is installed, and prints the path of its binary on the last line of stdout.
# As root on Debian/Ubuntu it installs the package when missing; anywhere else it prints the remedy
# and exits 1. It never starts the registry: tests start their own, on 127.0.0.1 only (registry.ts).
set -Eeuo pipefail

readonly BINARY="/usr/bin/docker-registry"

if [ -x "$BINARY" ]; then
  printf '%s\n' "$BINARY"
  exit 0
fi

is_debian_like() {
  [ -r /etc/os-release ] || return 1
  local id id_like
  # shellcheck source=/dev/null
  id="$(. /etc/os-release && printf '%s' "${ID:-}")"
  # shellcheck source=/dev/null
  id_like="$(. /etc/os-release && printf '%s' "${ID_LIKE:-}")"
  [[ " $id $id_like " == *" debian "* || " $id $id_like " == *" ubuntu "* ]]
}

if (( EUID != 0 )) || ! is_debian_like; then
  echo "ensure-registry: $BINARY is missing. Install it: sudo apt-get install docker-registry" >&2
  exit 1
fi

echo "ensure-registry: installing docker-registry..." >&2
# The package's own service must not start (it would listen on every interface): a policy-rc.d
# that refuses service starts is put in place for the install when the system has none.
readonly POLICY="/usr/sbin/policy-rc.d"
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$POLICY"
  chmod 755 "$POLICY"
  trap 'rm -f "$POLICY"' EXIT
fi
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-registry >&2
[ -x "$BINARY" ] || { echo "ensure-registry: the package did not install $BINARY" >&2; exit 1; }
printf '%s\n' "$BINARY"
