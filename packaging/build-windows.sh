#!/usr/bin/env bash
# Cross-builds Ferry for 64-bit Windows on Debian 12 (here, and in the CI's Debian 12 container):
#   target/packages/ferry-VERSION-windows-x86_64-setup.exe   the NSIS installer
# ferry.exe is built for x86_64-pc-windows-gnu with Debian's MinGW-w64 (build.rs embeds the icon,
# version information and manifest), then packaging/windows/ferry.nsi wraps it. Afterwards
# packaging/windows/wine-check.sh runs both under Wine. Installs the target and the apt packages
# (gcc-mingw-w64-x86-64, nsis, icoutils, wine, python3-pyftpdlib) when missing (as root).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=packaging/lib.sh
. packaging/lib.sh
version=$(ferry_version)
target=x86_64-pc-windows-gnu
out=target/packages
mkdir -p "$out"

bash packaging/check.sh
need=()
command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-x86-64)
command -v makensis >/dev/null || need+=(nsis)
command -v wrestool >/dev/null || need+=(icoutils)
command -v wine >/dev/null || need+=(wine wine64)
/usr/bin/python3 -c 'import pyftpdlib' 2>/dev/null || need+=(python3-pyftpdlib)   # Debian's python3, as wine-check.sh runs it
[ "${#need[@]}" -eq 0 ] || { echo "== apt-get install ${need[*]}"; apt_install "${need[@]}"; }
rustup target list --installed | grep -qx "$target" || timeout 900 rustup target add "$target"

echo "== cargo build --release --target $target"
timeout 3600 cargo build --release --locked --bin ferry --target "$target"
exe=target/$target/release/ferry.exe
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp "$exe" "$stage/ferry.exe"
x86_64-w64-mingw32-strip "$stage/ferry.exe"
# A GUI program (no console window) with its icon (type 14), version (16) and manifest (24).
x86_64-w64-mingw32-objdump -p "$stage/ferry.exe" > "$stage/headers.txt"
grep -q '^Subsystem.*(Windows GUI)' "$stage/headers.txt" || { echo "build-windows.sh: ferry.exe is not a GUI program" >&2; exit 1; }
resources=$(wrestool -l "$stage/ferry.exe")
for type in 14 16 24; do
    grep -q -- "--type=$type " <<<"$resources" || { echo "build-windows.sh: ferry.exe lacks resource type $type" >&2; exit 1; }
done

# The installer's licence page: Ferry is MIT OR Apache-2.0, so it shows both texts.
{ echo "Ferry is licensed under either of the MIT licence or the Apache License 2.0, at your option."
  echo; cat LICENSE-MIT; echo; echo "----"; echo; cat LICENSE-APACHE; } > "$stage/license.txt"

echo "== makensis"
setup=$out/ferry-$version-windows-x86_64-setup.exe
rm -f "$setup"
timeout 600 makensis -V2 -WX -DVERSION="$version" -DEXE="$stage/ferry.exe" -DOUTFILE="$root/$setup" \
    -DLICENSE="$stage/license.txt" \
    packaging/windows/ferry.nsi

bash packaging/windows/wine-check.sh "$stage/ferry.exe" "$setup"
echo "build-windows.sh: wrote"
ls -l "$setup"
