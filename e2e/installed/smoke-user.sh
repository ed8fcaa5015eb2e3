#!/usr/bin/env bash
# The ordinary user's half of e2e/installed/smoke.sh: inside Xvfb and a session bus.
set -euo pipefail
fail() { echo "smoke: $*" >&2; [ -f "$log" ] && tail -n 40 "$log" >&2; exit 1; }
log=$HOME/.local/state/porthole/porthole.log
lock=$HOME/.config/porthole/chromium/SingletonLock

# The CLI from PATH, in the installed executable (RunAsNode is off): JSON, exit 0 (ready) or 1 (not ready here).
set +e
porthole check --json >check.json 2>check.err
code=$?
set -e
[ "$code" -le 1 ] || { cat check.err >&2; fail "porthole check --json exited $code"; }
jq -e '.checks | length > 0' check.json >/dev/null || fail 'porthole check --json gave no checks'
[ ! -e "$lock" ] || fail 'the CLI took the single-instance lock'

# The GUI, then an app launcher's Exec line as Porthole writes it for this package (core/apps/launcher.ts).
porthole >gui.out 2>&1 &
gui=$!
for _ in $(seq 60); do [ -L "$lock" ] && break; sleep 1; done
[ -L "$lock" ] || { cat gui.out >&2; fail 'the GUI did not start (no single-instance lock)'; }
kill -0 "$gui" || fail 'the GUI exited'

set +e
handed=$(/opt/Porthole/porthole app smoke-vm 3561ec4a8629 2>&1)
code=$?
set -e
# Handed over, the launcher exits 0 at once; run by itself (no Porthole running) it would say "No machine" and exit 1.
[ "$code" = 0 ] || fail "the launcher was not handed to the running Porthole (exit $code): $handed"
for _ in $(seq 30); do grep -q 'listApps failed.*smoke-vm' "$log" 2>/dev/null && break; sleep 1; done
grep -q 'listApps failed.*smoke-vm' "$log" || fail 'the running Porthole did not act on the launch'
kill -0 "$gui" || fail 'the GUI exited after the launch'
kill "$gui"
wait "$gui" || true
echo 'smoke: CLI from PATH, GUI and launcher hand-over work'
