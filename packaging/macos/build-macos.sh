#!/usr/bin/env bash
# Assembles Ferry.app and a .dmg, on macOS:
#   packaging/macos/build-macos.sh                     builds a universal binary first (cargo,
#                                                      aarch64 + x86_64, macOS 11 or later)
#   packaging/macos/build-macos.sh BINARY [BINARY...]  uses binaries built already
# One binary (e.g. target/release/ferry) is used as it is; several (e.g. the aarch64 and x86_64
# builds) are joined with lipo into one universal binary. Writes
#   target/packages/Ferry.app
#   target/packages/ferry-VERSION-macos-ARCH.dmg   (ARCH: universal, arm64 or x86_64)
# VERSION comes from Cargo.toml. The bundle is signed ad hoc (not notarized: Gatekeeper asks the
# user to confirm the first start). Needs Xcode's command line tools (lipo, codesign, hdiutil).
set -euo pipefail

# macOS has no timeout(1); perl's alarm, which survives exec, bounds a command the same way.
bounded() {
    local seconds=$1
    shift
    perl -e 'alarm shift; exec @ARGV or die "exec $ARGV[0]: $!\n"' "$seconds" "$@"
}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if [ "$#" -eq 0 ]; then
    # The same minimum macOS as Info.plist's LSMinimumSystemVersion.
    export MACOSX_DEPLOYMENT_TARGET=11.0
    for target in aarch64-apple-darwin x86_64-apple-darwin; do
        rustup target list --installed | grep -qx "$target" || bounded 900 rustup target add "$target"
        (cd "$root" && bounded 3600 cargo build --release --locked --bin ferry --target "$target")
        set -- "$@" "$root/target/$target/release/ferry"
    done
fi
binaries=()
for binary in "$@"; do
    [ -f "$binary" ] || { echo "build-macos.sh: no such binary: $binary" >&2; exit 2; }
    binaries+=("$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")")
done
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
got=$(bounded 60 "$app/Contents/MacOS/ferry" --version)
[ "$got" = "ferry $version" ] || { echo "build-macos.sh: the app's binary printed '$got'" >&2; exit 1; }

# The disk image: the app and a link to /Applications to drag it onto.
dmg=$out/ferry-$version-macos-$arch.dmg
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -R "$app" "$stage/Ferry.app"
ln -s /Applications "$stage/Applications"
rm -f "$dmg"
# hdiutil now and then fails with "Resource busy" on CI machines: try again.
for attempt in 1 2 3; do
    bounded 600 hdiutil create -volname "Ferry $version" -srcfolder "$stage" -fs HFS+ -format UDZO \
        -ov "$dmg" >/dev/null && break
    [ "$attempt" -lt 3 ] || { echo "build-macos.sh: hdiutil create failed" >&2; exit 1; }
    sleep 5
done
bounded 300 hdiutil verify "$dmg" >/dev/null
echo "build-macos.sh: wrote $app and $dmg"
