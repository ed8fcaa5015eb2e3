#!/usr/bin/env bash
# Renders the app icon and the tray icons from their SVGs into resources/icons/.
# The PNGs are committed, so building Porthole needs none of these tools; run this after
# changing an SVG. Needs rsvg-convert (Debian: apt-get install librsvg2-bin) or ImageMagick.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/resources"
out="$root/resources/icons"

render() { # render SVG SIZE OUT
  local svg="$1" size="$2" png="$3"
  if command -v rsvg-convert >/dev/null 2>&1; then
    rsvg-convert --width "$size" --height "$size" --keep-aspect-ratio "$svg" --output "$png"
  elif [ -x /usr/bin/convert ]; then
    /usr/bin/convert -background none -density 384 "$svg" -resize "${size}x${size}" "PNG32:$png"
  else
    echo "make-icons: no SVG renderer found. Install one: sudo apt-get install librsvg2-bin" >&2
    exit 1
  fi
}

mkdir -p "$out/app" "$out/tray"

# App icon: every size the hicolor theme and electron-builder use (linux.icon points here).
for size in 16 24 32 48 64 128 256 512; do
  render "$src/icon.svg" "$size" "$out/app/${size}x${size}.png"
done

# Tray: 22 px (the StatusNotifier size) and @2x for HiDPI panels; nativeImage picks @2x itself.
for state in stopped starting running failed; do
  render "$src/tray/$state.svg" 22 "$out/tray/tray-$state.png"
  render "$src/tray/$state.svg" 44 "$out/tray/tray-$state@2x.png"
done

echo "make-icons: wrote $(find "$out" -name '*.png' | wc -l) PNGs under ${out#"$root"/}"
