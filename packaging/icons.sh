#!/usr/bin/env bash
# Renders Ferry's icon, assets/ferry.svg, into the files the packages and the app use, and which
# are committed so that builds need none of these tools:
#   assets/icons/ferry-N.png        N = 16 24 32 48 64 128 256 512 (hicolor; 256 is the window icon)
#   packaging/windows/ferry.ico     16-256, embedded in ferry.exe and used by the installer
#   packaging/macos/Ferry.icns      16-1024, the app bundle's icon
# Run it after changing the SVG. Needs rsvg-convert (librsvg2-bin), ImageMagick and png2icns
# (icnsutils); installs them with apt-get when missing (as root).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=packaging/lib.sh
. packaging/lib.sh

if ! command -v rsvg-convert >/dev/null || ! command -v convert >/dev/null || ! command -v png2icns >/dev/null; then
    apt_install librsvg2-bin imagemagick icnsutils
fi

svg=assets/ferry.svg
mkdir -p assets/icons
for size in 16 24 32 48 64 128 256 512; do
    rsvg-convert -w "$size" -h "$size" "$svg" -o "assets/icons/ferry-$size.png"
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rsvg-convert -w 1024 -h 1024 "$svg" -o "$tmp/ferry-1024.png"

# -strip: no timestamps in the files, so re-running the script changes nothing.
convert assets/icons/ferry-{16,24,32,48,64,128,256}.png -strip packaging/windows/ferry.ico
png2icns packaging/macos/Ferry.icns assets/icons/ferry-{16,32,48,128,256,512}.png "$tmp/ferry-1024.png" >/dev/null
echo "icons.sh: wrote assets/icons/ferry-*.png, packaging/windows/ferry.ico, packaging/macos/Ferry.icns"
