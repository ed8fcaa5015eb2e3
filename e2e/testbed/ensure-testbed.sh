#!/usr/bin/env bash
# The test bed of `npm test`: every system package a test needs, and a Docker engine that answers.
# On Debian/Ubuntu as root it installs what is missing and starts dockerd; anywhere else it stops at
# once and prints the one command to run. Idempotent and quick when everything is there: one file
# test per package and one `docker info`. Safe to run from several processes at once (apt's own lock).
set -Eeuo pipefail

readonly DOCKERD_LOG="/tmp/porthole-dockerd.log"
readonly ENGINE_WAIT_SECONDS=60

# Debian package=a file it installs. The file, not dpkg, says whether it is there, so an engine or a
# tool installed another way counts too. Keep this list in step with what the tests run.
readonly NEEDED=(
  docker.io=/usr/bin/docker                   # the engine: integration and end-to-end tests, private engines
  docker-compose=/usr/bin/docker-compose      # compose round trip: exported files run as docker compose reads them
  docker-registry=/usr/bin/docker-registry    # pull tests: a private registry on 127.0.0.1 (app/core/testing/registry.ts)
  iproute2=/usr/sbin/ip                       # private engines' bridges (app/core/testing/private-engine.ts)
  debootstrap=/usr/sbin/debootstrap           # builds the stand-in image (e2e/guest/build.sh)
  xorriso=/usr/bin/xorriso                    # the test ISO (make-test-iso.sh), ISO checks
  ipxe=/usr/lib/ipxe/ipxe.iso                 # the bootable test ISO's source
  chromium=/usr/bin/chromium                  # Playwright's browser (no download); its libraries also run Electron
  xvfb=/usr/bin/xvfb-run                      # a display for Electron when there is none
  xauth=/usr/bin/xauth                        # xvfb-run needs it
  tesseract-ocr=/usr/bin/tesseract            # reads text off the VM's screen in end-to-end tests
  imagemagick=/usr/bin/convert                # prepares screenshots for tesseract
  desktop-file-utils=/usr/bin/desktop-file-validate  # packaging and autostart tests
  appstream=/usr/bin/appstreamcli             # packaging tests: the metainfo
  gnome-keyring=/usr/bin/gnome-keyring-daemon # keyring tests: a Secret Service
  libsecret-tools=/usr/bin/secret-tool        # keyring tests: read what Porthole stored
  dbus=/usr/bin/dbus-daemon                   # keyring tests: a session bus
  dbus-x11=/usr/bin/dbus-launch               # keyring tests: dbus-launch
  dbus-tests=/usr/bin/dbus-test-tool          # tray test: a tray host's name on a private bus
  openssl=/usr/bin/openssl                    # engine tests: certificates of a TLS engine (private-engine.ts)
  openssh-server=/usr/sbin/sshd               # engine tests: DOCKER_HOST=ssh:// through a test's own sshd (test-sshd.ts)
  openssh-client=/usr/bin/ssh                 # Porthole reaches ssh:// engines with the user's ssh
  podman=/usr/bin/podman                      # engine tests: Podman's Docker-compatible API (app/core/testing/private-podman.ts)
  runc=/usr/sbin/runc                         # Podman's runtime here (crun, its first choice, refuses the hybrid cgroups)
  crun=/usr/bin/crun                          # rootless Podman keeping the user's groups (keep-groups is crun's), cgroup v2 hidden
  containernetworking-plugins=/usr/lib/cni/bridge  # rootful Podman 4.3's networks (CNI bridge, portmap on 127.0.0.1)
  iptables=/usr/sbin/iptables                 # CNI's portmap and firewall plugins
  uidmap=/usr/bin/newuidmap                   # rootless Podman and rootless Docker: subordinate ids
  slirp4netns=/usr/bin/slirp4netns            # rootless Podman and rootless Docker: user-mode networking
  rootlesskit=/usr/bin/rootlesskit            # rootless Docker (docker.io's dockerd-rootless.sh)
  acl=/usr/bin/setfacl                        # rootless engine tests: /dev/net/tun for the test account only (rootless-user.ts)
  usb.ids=/usr/share/misc/usb.ids             # USB devices: readable names, as users' systems have them (app/core/host/usb.ts)
)

say() { printf 'test bed: %s\n' "$*" >&2; }

is_debian_like() {
  [ -r /etc/os-release ] || return 1
  local ids
  ids="$(. /etc/os-release && printf ' %s %s ' "${ID:-}" "${ID_LIKE:-}")"
  [[ "$ids" == *" debian "* || "$ids" == *" ubuntu "* ]]
}

# Stops with the one thing to do, and why.
stop() {
  printf '\ntest bed: %s\n\n  %s\n\n' "$1" "$2" >&2
  [ $# -lt 3 ] || printf '%s\n\n' "$3" >&2
  exit 1
}

engine_answers() { command -v docker >/dev/null && docker info >/dev/null 2>&1; }

missing=()
for entry in "${NEEDED[@]}"; do
  [ -e "${entry#*=}" ] || missing+=("${entry%%=*}")
done

# The integration tests build an image with debootstrap and chroot, bind-mount folders and run
# engines of their own: they need root whatever is installed.
if (( EUID != 0 )); then
  stop 'npm test needs root (the stand-in image is built with debootstrap and chroot; tests bind-mount folders and start private Docker engines). Run it as root:' \
    'sudo env "PATH=$PATH" npm test' \
    '(Lint, typecheck and unit tests alone need no root: npm run lint && npm run typecheck && npm run test:unit)'
fi

if (( ${#missing[@]} > 0 )); then
  if ! is_debian_like || ! command -v apt-get >/dev/null; then
    stop "missing: ${missing[*]}. Install them (these are Debian's names; use your distribution's equivalents, with Chromium at /usr/bin/chromium), then run npm test again:" \
      "apt-get install --no-install-recommends ${missing[*]}"
  fi
  say "installing ${missing[*]}..."
  # No package's own service may start on install (docker-registry's would listen on every interface; the
  # engine is started below, the way this machine runs services): a policy-rc.d refusing service starts is
  # in place for the install when the system has none.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  for entry in "${NEEDED[@]}"; do
    [ -e "${entry#*=}" ] || stop "${entry%%=*} was installed but ${entry#*=} is still missing. Reinstall it:" \
      "apt-get install --reinstall ${entry%%=*}"
  done
fi

engine_answers && exit 0

# DOCKER_HOST names an engine elsewhere: starting the local one would not make that one answer.
if [ -n "${DOCKER_HOST:-}" ]; then
  stop "DOCKER_HOST is $DOCKER_HOST, but no engine answers there. Start that engine, or use the local one:" 'unset DOCKER_HOST'
fi

# Booted with systemd (sd_booted's test): the docker.io package's service. Else (a container): dockerd by hand.
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
  say 'starting docker (systemd)...'
  systemctl enable --now docker >&2 || :
elif ! { command -v pidof >/dev/null && pidof dockerd >/dev/null; }; then
  # Docker in a container on cgroup v2 (CI): this shell sits in the root cgroup of its namespace, and a cgroup
  # holding processes cannot hand controllers to children, so dockerd could not start containers. Move every
  # process to a leaf and delegate the controllers, as Docker's own dind script does.
  if [ -f /sys/fs/cgroup/cgroup.controllers ] && [ "$(cat /proc/self/cgroup)" = "0::/" ]; then
    mkdir -p /sys/fs/cgroup/init
    xargs -rn1 </sys/fs/cgroup/cgroup.procs >/sys/fs/cgroup/init/cgroup.procs 2>/dev/null || :
    sed -e 's/ / +/g' -e 's/^/+/' </sys/fs/cgroup/cgroup.controllers >/sys/fs/cgroup/cgroup.subtree_control || :
  fi
  say "starting dockerd (log: $DOCKERD_LOG)..."
  nohup dockerd >"$DOCKERD_LOG" 2>&1 </dev/null &
  disown || :
fi

for ((i = 0; i < ENGINE_WAIT_SECONDS; i++)); do
  engine_answers && exit 0
  sleep 1
done
tail -n 20 "$DOCKERD_LOG" >&2 2>/dev/null || :
stop "the Docker engine did not answer within $ENGINE_WAIT_SECONDS s (log: $DOCKERD_LOG). See why it does not start:" 'dockerd --debug'
