#!/usr/bin/env bash
# Assembles Ferry.app and a .dmg from built binaries, on macOS:
#   packaging/macos/build-macos.sh BINARY [BINARY...]
# One binary (e.g. target/release/ferry) is used as it is; several (e.g. the aarch64 and x86_64
# builds) are joined with lipo into one universal binary. Writes
#   target/packages/Ferry.app
#   target/packages/ferry-VERSION-macos-ARCH.dmg   (ARCH: universal, arm64 or x86_64)
# VERSION comes from Cargo.toml. The bundle is signed ad hoc (not notarized: Gatekeeper asks the
# user to confirm the first start). Needs Xcode's command line tools (lipo, codesign, hdiutil).
set -euo pipefail

if [ "$#" -lt 1 ]; then
    echo "usage: $0 BINARY [BINARY...]" >&2
    exit 2
fi
binaries=()
for binary in "$@"; do
    [ -f "$binary" ] || { echo "build-macos.sh: no such binary: $binary" >&2; exit 2; }
    binaries+=("$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")")
done
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
# shellcheck source=packaging/lib.sh
. packaging/lib.sh

version=$(ferry_version)
out=target/packages
app=$out/Ferry.app
rm -rf "$app"
mkdir -p "$app/Contents/MacOS" "$app/Contents/Resources"

if [ "${#binaries[@]}" -gt 1 ]; then
    lipo -create "${binaries[@]}" -output "$app/Contents/MacOS/ferry"
    arch=universal
else
    cp "${binaries[0]}" "$app/Contents/MacOS/ferry"
    case $(lipo -archs "$app/Contents/MacOS/ferry") in
        *" "*) arch=universal ;;
        *) arch=$(lipo -archs "$app/Contents/MacOS/ferry") ;;
    esac
fi
chmod 755 "$app/Contents/MacOS/ferry"
sed "s/@VERSION@/$version/g" "$here/Info.plist" > "$app/Contents/Info.plist"
plutil -lint "$app/Contents/Info.plist" >/dev/null
printf 'APPL????' > "$app/Contents/PkgInfo"
cp "$here/Ferry.icns" "$app/Contents/Resources/Ferry.icns"
cp README.md "$app/Contents/Resources/README.md"
codesign --force --sign - --timestamp=none "$app"
codesign --verify --strict "$app"
timeout 60 "$app/Contents/MacOS/ferry" --version

# The disk image: the app and a link to /Applications to drag it onto.
dmg=$out/ferry-$version-macos-$arch.dmg
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -R "$app" "$stage/Ferry.app"
ln -s /Applications "$stage/Applications"
rm -f "$dmg"
timeout 600 hdiutil create -volname "Ferry $version" -srcfolder "$stage" -fs HFS+ -format UDZO -ov "$dmg" >/dev/null
timeout 300 hdiutil verify "$dmg" >/dev/null
echo "build-macos.sh: wrote $app and $dmg"
