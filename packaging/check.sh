#!/usr/bin/env bash
# Fast checks of the packaging files, no build (a few seconds; .ci/run calls it):
#   - the .desktop entry passes desktop-file-validate,
#   - the AppStream metainfo passes appstreamcli validate (--no-net) and its newest release is
#     the version in Cargo.toml,
#   - Info.plist (with the version filled in) and the Windows manifest are well-formed,
#   - the icons the packages and the app use exist,
#   - the packaging scripts pass shellcheck.
# Installs desktop-file-utils, appstream and shellcheck with apt-get when missing (as root).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=packaging/lib.sh
. packaging/lib.sh

need=()
command -v desktop-file-validate >/dev/null || need+=(desktop-file-utils)
command -v appstreamcli >/dev/null || need+=(appstream)
command -v shellcheck >/dev/null || need+=(shellcheck)
if [ "${#need[@]}" -gt 0 ]; then
    echo "== apt-get install ${need[*]}"
    apt_install "${need[@]}"
fi

version=$(ferry_version)
desktop=packaging/linux/ferry.desktop
metainfo=packaging/linux/io.github.ferry_ftp.Ferry.metainfo.xml

echo "== desktop-file-validate $desktop"
desktop-file-validate "$desktop"
echo "== appstreamcli validate --no-net $metainfo"
timeout 60 appstreamcli validate --no-net "$metainfo"

echo "== versions, plist, manifest, icons"
python3 - "$version" "$metainfo" <<'PY'
import plistlib, sys, xml.etree.ElementTree as ET
from pathlib import Path

version, metainfo = sys.argv[1], sys.argv[2]
fail = []
releases = ET.parse(metainfo).getroot().findall("./releases/release")
if not releases or releases[0].get("version") != version:
    fail.append(f"{metainfo}: the first <release> must be version {version} (Cargo.toml)")
plist = plistlib.loads(Path("packaging/macos/Info.plist").read_bytes().replace(b"@VERSION@", version.encode()))
schemes = {s for t in plist["CFBundleURLTypes"] for s in t["CFBundleURLSchemes"]}
if not {"ftp", "ftps"} <= schemes or plist["CFBundleShortVersionString"] != version:
    fail.append("packaging/macos/Info.plist: URL schemes or version wrong")
ET.parse("packaging/windows/ferry.exe.manifest")
icons = ["assets/ferry.svg", "packaging/windows/ferry.ico", "packaging/macos/Ferry.icns"]
icons += [f"assets/icons/ferry-{n}.png" for n in (16, 24, 32, 48, 64, 128, 256, 512)]
fail += [f"missing {p} (run packaging/icons.sh)" for p in icons if not Path(p).is_file()]
for line in fail:
    print("check.sh:", line, file=sys.stderr)
sys.exit(1 if fail else 0)
PY

echo "== shellcheck packaging/"
shellcheck -x packaging/*.sh packaging/*/*.sh
echo "packaging/check.sh: all checks passed"
