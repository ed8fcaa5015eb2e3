#!/usr/bin/env bash
# Smoke test of the installed .deb, in a clean Debian container (CI: .github/workflows/ci.yml, job
# installed-deb). Runs as root to install, then as an ordinary user (Chromium refuses root) under Xvfb
# and a session bus: the package's files and relations, `porthole check --json` from PATH (the CLI in the
# installed executable, every fuse as shipped), the GUI started, and an app launcher's Exec line handed
# to the running instance. Usage: e2e/installed/smoke.sh dist/porthole_*.deb
set -euo pipefail
deb=$(readlink -f "$1")
here=$(dirname "$(readlink -f "$0")")
fail() { echo "smoke: $*" >&2; exit 1; }

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "$deb" xvfb xauth dbus dbus-x11 jq procps >/dev/null

# The package: the launcher on PATH, the helpers recommended, the metainfo, no ELECTRON_RUN_AS_NODE.
[ "$(readlink -f /usr/bin/porthole)" = /opt/Porthole/porthole ] || fail "/usr/bin/porthole does not lead to /opt/Porthole/porthole"
[ -x /opt/Porthole/porthole.bin ] || fail 'no Electron binary at /opt/Porthole/porthole.bin'
recommends=$(dpkg-deb -f "$deb" Recommends)
for wanted in 'docker.io | podman' 'freerdp3-x11 | freerdp2-x11' libsecret-tools libglib2.0-bin; do
  grep -qF -- "$wanted" <<<"$recommends" || fail "Recommends lacks $wanted: $recommends"
done
[ -f /usr/share/metainfo/io.porthole.Porthole.metainfo.xml ] || fail 'no AppStream metainfo in /usr/share/metainfo'
if grep -q ELECTRON_RUN_AS_NODE /opt/Porthole/porthole /usr/share/applications/*.desktop; then fail 'a shipped entry refers to ELECTRON_RUN_AS_NODE'; fi

id smoke >/dev/null 2>&1 || useradd -m smoke
install -m 0755 "$here/smoke-user.sh" /home/smoke/smoke-user.sh
su smoke -c 'cd ~ && xvfb-run -a dbus-run-session -- bash ~/smoke-user.sh'
echo 'smoke: the installed .deb passed'
