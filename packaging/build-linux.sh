#!/usr/bin/env bash
# Builds Ferry's Linux packages from a clean checkout (x86-64, on Debian 12 or the CI's Debian 12
# container):
#   target/packages/ferry_VERSION-1_amd64.deb          cargo-deb, from [package.metadata.deb]
#   target/packages/ferry-VERSION-linux-x86_64.tar.gz  binary, desktop file, metainfo, icons, README
# Runs packaging/check.sh first and checks the results' contents afterwards. Installs cargo-deb
# (cargo install) when missing. Installing and running the .deb: packaging/linux/test-deb.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=packaging/lib.sh
. packaging/lib.sh
version=$(ferry_version)
out=target/packages
mkdir -p "$out"

bash packaging/check.sh
if ! cargo deb --version >/dev/null 2>&1; then
    echo "== cargo install cargo-deb"
    timeout 1200 cargo install --locked cargo-deb@3.8.0
fi

echo "== cargo build --release"
timeout 3600 cargo build --release --locked --bin ferry
got=$(target/release/ferry --version)
[ "$got" = "ferry $version" ] || { echo "build-linux.sh: ferry --version printed '$got'" >&2; exit 1; }

echo "== cargo deb"
rm -f "$out"/ferry_*.deb
timeout 600 cargo deb --no-build --locked --output "$out/"
deb=$out/ferry_${version}-1_amd64.deb
dpkg-deb --info "$deb"
contents=$(dpkg-deb --contents "$deb")
for path in ./usr/bin/ferry ./usr/share/applications/ferry.desktop \
    ./usr/share/metainfo/io.github.ferry_ftp.Ferry.metainfo.xml \
    ./usr/share/icons/hicolor/scalable/apps/ferry.svg ./usr/share/icons/hicolor/16x16/apps/ferry.png \
    ./usr/share/icons/hicolor/512x512/apps/ferry.png ./usr/share/doc/ferry/copyright; do
    grep -q " $path\$" <<<"$contents" || { echo "build-linux.sh: $deb lacks $path" >&2; exit 1; }
done

echo "== tar.gz"
name=ferry-$version-linux-x86_64
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
tree=$stage/$name
install -D -m 755 target/release/ferry "$tree/bin/ferry"
strip "$tree/bin/ferry"
install -D -m 644 packaging/linux/ferry.desktop "$tree/share/applications/ferry.desktop"
install -D -m 644 packaging/linux/io.github.ferry_ftp.Ferry.metainfo.xml \
    "$tree/share/metainfo/io.github.ferry_ftp.Ferry.metainfo.xml"
install -D -m 644 assets/ferry.svg "$tree/share/icons/hicolor/scalable/apps/ferry.svg"
for size in 16 24 32 48 64 128 256 512; do
    install -D -m 644 "assets/icons/ferry-$size.png" "$tree/share/icons/hicolor/${size}x${size}/apps/ferry.png"
done
install -m 644 README.md "$tree/README.md"
install -m 644 packaging/linux/INSTALL.md "$tree/INSTALL.md"
# Reproducible: sorted, owned by root, dated by the last commit.
epoch=$(git log -1 --format=%ct 2>/dev/null || echo 0)
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" -C "$stage" -cf - "$name" \
    | gzip -9n > "$out/$name.tar.gz"
listing=$(tar -tzf "$out/$name.tar.gz")
grep -qx "$name/bin/ferry" <<<"$listing" || { echo "build-linux.sh: the archive lacks bin/ferry" >&2; exit 1; }

echo "build-linux.sh: wrote"
ls -l "$deb" "$out/$name.tar.gz"
