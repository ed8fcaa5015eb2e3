#!/usr/bin/env bash
# Makes sure the test tools are present: Debian's Chromium at /usr/bin/chromium (Playwright uses
# it instead of downloading a browser), tesseract-ocr, xorriso, ipxe and debootstrap.
# As root on Debian/Ubuntu it installs what is missing; anywhere else it prints the remedy.
set -Eeuo pipefail

# package -> a file it installs
declare -A NEEDED=(
  [chromium]=/usr/bin/chromium
  [tesseract-ocr]=/usr/bin/tesseract
  [xorriso]=/usr/bin/xorriso
  [ipxe]=/usr/lib/ipxe/ipxe.iso
  [debootstrap]=/usr/sbin/debootstrap
)

is_debian_like() {
  [ -r /etc/os-release ] || return 1
  local id id_like
  id="$(. /etc/os-release && printf '%s' "${ID:-}")"
  id_like="$(. /etc/os-release && printf '%s' "${ID_LIKE:-}")"
  [[ " $id $id_like " == *" debian "* || " $id $id_like " == *" ubuntu "* ]]
}

missing=()
for package in chromium tesseract-ocr xorriso ipxe debootstrap; do
  [ -e "${NEEDED[$package]}" ] || missing+=("$package")
done

(( ${#missing[@]} == 0 )) && exit 0

if (( EUID != 0 )) || ! is_debian_like; then
  echo "ensure-chromium: missing: ${missing[*]}" >&2
  echo "  Install them:  sudo apt-get install --no-install-recommends ${missing[*]}" >&2
  echo "  (on other distributions install their equivalents; Chromium must be at /usr/bin/chromium)" >&2
  exit 1
fi

echo "ensure-chromium: installing ${missing[*]}..." >&2
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2

for package in "${missing[@]}"; do
  if [ ! -e "${NEEDED[$package]}" ]; then
    echo "ensure-chromium: $package was installed but ${NEEDED[$package]} is still missing" >&2
    exit 1
  fi
done
