#!/bin/sh
# Porthole's launcher (installed by build/after-pack.mjs as the executable, Electron moved beside it as
# <name>.bin; /usr/bin/porthole links here in the deb and rpm, the AppImage's AppRun starts it).
# It runs Electron with every argument, except where Chromium would abort before any of Porthole's code
# runs: an AppImage (it has no setuid sandbox helper) on a system that allows user namespaces only to
# programs with an AppArmor profile (Ubuntu 24.04 and later), with no profile for it. There it prints
# the profile for the AppImage's own path and the commands, as `porthole check` does
# (app/core/host/sandbox.ts; app/main/packaging.test.ts keeps the two in step), tells the desktop
# too (a login start has no terminal), and exits 1. It never starts Electron with --no-sandbox.
# PORTHOLE_PROC_ROOT stands for /proc in tests.
self=$(readlink -f "$0")
if [ -n "${APPIMAGE:-}" ]; then
  proc=${PORTHOLE_PROC_ROOT:-/proc}
  restrict=$(cat "$proc/sys/kernel/apparmor_restrict_unprivileged_userns" 2>/dev/null)
  label=$( (cat "$proc/self/attr/apparmor/current" || cat "$proc/self/attr/current") 2>/dev/null | tr -d '\000\n')
  if [ "$restrict" = 1 ] && { [ -z "$label" ] || [ "$label" = unconfined ]; }; then
    sudo='sudo '
    [ "$(id -u)" = 0 ] && sudo=''
    file=/etc/apparmor.d/porthole-appimage
    # The path as an AppArmor attachment: glob characters, quotes and backslashes escaped.
    path=$(printf '%s\n' "$APPIMAGE" | sed 's/[][\\"*?{}^]/\\&/g')
    profile() {
      printf '%s\n' 'abi <abi/4.0>,' 'include <tunables/global>' '' \
        "profile porthole-appimage \"$path\" flags=(unconfined) {" '  userns,' '' \
        '  include if exists <local/porthole-appimage>' '}'
    }
    words=$(profile | sed "s/'/'\\\\''/g; s/^/'/; s/\$/'/" | tr '\n' ' ')
    {
      # printf, not echo: dash's echo would read backslashes in the path.
      printf '%s\n' \
        "Porthole cannot start: this system (Ubuntu 24.04 and later) allows the user namespaces Chromium's" \
        "sandbox needs only to programs with an AppArmor profile, and $APPIMAGE has none." \
        "Add an AppArmor profile for this AppImage's path ($file: it allows user namespaces to that one" \
        "file), then start Porthole again. If you move or rename the AppImage, change the path and load it again." \
        ''
      profile | sed 's/^/    /'
      printf '%s\n' \
        '' \
        'These commands write it and load it:' \
        "    printf '%s\\n' ${words}| ${sudo}tee $file" \
        "    ${sudo}apparmor_parser -r $file" \
        '' \
        'Do not start it with --no-sandbox, and do not turn the restriction off for the whole system.' \
        'Or install the .deb or .rpm package, which needs none of this.'
    } >&2
    if command -v notify-send >/dev/null 2>&1; then
      notify-send --app-name=Porthole 'Porthole cannot start' \
        "This system needs an AppArmor profile for $APPIMAGE. Start it from a terminal to see the profile to add." >/dev/null 2>&1 || true
    fi
    exit 1
  fi
fi
exec "$self.bin" "$@"
