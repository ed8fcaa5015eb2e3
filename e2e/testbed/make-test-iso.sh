#!/usr/bin/env bash
# Makes the bootable test ISO: Debian's iPXE ISO (ipxe package) repacked with xorriso, its
# El Torito/isolinux boot options kept, plus a filler file so that it passes the image's 10 MB
# minimum for a custom ISO. Usage: make-test-iso.sh [--shell] OUT.iso   (idempotent)
# --shell: ISOLINUX hands iPXE the command line `shell`, which iPXE runs as a script, so the VM
# always lands at the `iPXE>` prompt with no key pressed (no Ctrl+B window to hit: the benchmarks).
set -Eeuo pipefail

readonly SOURCE_ISO="${PORTHOLE_IPXE_ISO:-/usr/lib/ipxe/ipxe.iso}"
readonly FILLER_MIB=12
readonly MIN_BYTES=$((12 * 1024 * 1024))

fail() { printf 'make-test-iso: ERROR: %s\n' "$*" >&2; exit 1; }

shell=0
if [ "${1:-}" = "--shell" ]; then shell=1; shift; fi
[ $# -eq 1 ] || fail "usage: make-test-iso.sh [--shell] OUT.iso"
out="$1"
script="${BASH_SOURCE[0]}"

[ -f "$SOURCE_ISO" ] || fail "$SOURCE_ISO is missing: apt-get install ipxe (or run e2e/testbed/ensure-testbed.sh)"
command -v xorriso >/dev/null || fail "xorriso is missing: apt-get install xorriso"

# Already made from the same source by the same recipe: nothing to do.
if [ -f "$out" ] && (( $(stat -c %s -- "$out") >= MIN_BYTES )) && [ "$out" -nt "$SOURCE_ISO" ] && [ "$out" -nt "$script" ]; then
  exit 0
fi

out_dir="$(cd -- "$(dirname -- "$out")" && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/porthole-test-iso.XXXXXX")"
trap 'rm -rf -- "$work"' EXIT
tree="$work/tree"

xorriso -osirrox on -indev "$SOURCE_ISO" -extract / "$tree" >/dev/null 2>&1 || fail "could not extract $SOURCE_ISO"
chmod -R u+w "$tree"

# The source's own boot options, as mkisofs arguments (one per line, shell-quoted by xorriso).
boot_options=()
while IFS= read -r option; do
  boot_options+=("$option")
done < <(xorriso -indev "$SOURCE_ISO" -report_el_torito as_mkisofs 2>/dev/null | xargs -n 1 printf '%s\n')
[[ " ${boot_options[*]} " == *" -b "* ]] || fail "$SOURCE_ISO has no BIOS boot image to keep"

if (( shell )); then
  # Debian's isolinux.cfg boots ipxe.krn with no options; iPXE runs its kernel command line as a script.
  grep -q '^ *KERNEL ipxe.krn' "$tree/isolinux.cfg" || fail "$SOURCE_ISO's isolinux.cfg does not boot ipxe.krn"
  sed -i 's/^\( *\)KERNEL ipxe.krn.*$/&\n\1APPEND shell/' "$tree/isolinux.cfg"
fi

head -c "$((FILLER_MIB * 1024 * 1024))" /dev/zero >"$tree/FILLER.BIN"

tmp_out="$out_dir/.$(basename -- "$out").$$"
if ! xorriso -as mkisofs "${boot_options[@]}" -o "$tmp_out" "$tree" >"$work/xorriso.log" 2>&1; then
  cat "$work/xorriso.log" >&2
  rm -f -- "$tmp_out"
  fail "xorriso could not write the ISO"
fi
mv -f -- "$tmp_out" "$out"
