#!/usr/bin/env bash
# Runs Ferry's Windows build under Wine, in a fresh 64-bit Wine prefix (called by
# build-windows.sh):   packaging/windows/wine-check.sh FERRY_EXE SETUP_EXE
#   - ferry.exe --version prints "ferry VERSION";
#   - ferry.exe ls and get work against a pyftpdlib server on loopback;
#   - the installer installs silently (/S /URLHANDLER): ferry.exe, the Start-menu shortcut, the
#     uninstaller and the ftp:// handler; the installed ferry.exe runs; the uninstaller removes it
#     all again.
# Needs wine and python3-pyftpdlib. Every step is bounded by a timeout.
set -euo pipefail
[ "$#" -eq 2 ] || { echo "usage: $0 FERRY_EXE SETUP_EXE" >&2; exit 2; }
exe=$(realpath "$1")
setup=$(realpath "$2")
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
# shellcheck source=packaging/lib.sh
. packaging/lib.sh
version=$(ferry_version)

work=$(mktemp -d)
cleanup() {
    [ -n "${server:-}" ] && kill "$server" 2>/dev/null
    WINEPREFIX=$work/prefix timeout 30 wineserver -k 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
mkdir "$work/tmp"   # Wine's server socket goes to TMPDIR: keep it in the scratch folder
export WINEPREFIX=$work/prefix WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" \
    TMPDIR=$work/tmp
fail() { echo "wine-check.sh: $*" >&2; exit 1; }
# wine CMD...: bounded, with Windows' CRLF line ends removed from what it prints.
wine_run() { timeout 120 wine "$@" | tr -d '\r'; }

echo "== wineboot (a new prefix)"
timeout 300 wineboot --init >/dev/null 2>&1
timeout 60 wineserver -w
# Wine 8 (Debian 12's) has no bcryptprimitives.dll, whose ProcessPrng Rust's standard library
# imports (Windows 10 and later have it). This stand-in, in the test prefix only, answers from
# RtlGenRandom. Newer Wine has its own and does not need it.
cat > "$work/bcryptprimitives.c" <<'C'
#include <windows.h>
#include <ntsecapi.h>
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!RtlGenRandom(data, chunk)) return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
C
dll=$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll
[ -e "$dll" ] || x86_64-w64-mingw32-gcc -shared -O2 -o "$dll" "$work/bcryptprimitives.c" -ladvapi32

echo "== ferry.exe --version"
got=$(wine_run "$exe" --version)
echo "$got"
[ "$got" = "ferry $version" ] || fail "expected 'ferry $version'"

echo "== ferry.exe ls / get against pyftpdlib on loopback"
mkdir -p "$work/ftp/docs"
printf 'Hello from the FTP server\n' > "$work/ftp/hello.txt"
# Debian's interpreter, the one python3-pyftpdlib is installed for: a `python3` earlier in PATH
# (a pyenv shim) may not have pyftpdlib, and the server would never start.
py=/usr/bin/python3
"$py" -c 'import pyftpdlib' 2>/dev/null || fail "$py cannot import pyftpdlib (apt-get install python3-pyftpdlib)"
port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$py" -m pyftpdlib -i 127.0.0.1 -p "$port" -d "$work/ftp" >"$work/ftpd.log" 2>&1 &
server=$!
for _ in $(seq 1 40); do
    "$py" -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && break
    sleep 0.25
done
listing=$(wine_run "$exe" ls "ftp://127.0.0.1:$port/" --timeout 20)
echo "$listing"
{ grep -q 'hello.txt$' <<<"$listing" && grep -q 'docs$' <<<"$listing"; } || fail "ls did not list hello.txt and docs"
wine_run "$exe" get "ftp://127.0.0.1:$port/hello.txt" "Z:${work//\//\\}\\got.txt" --timeout 20
cmp "$work/ftp/hello.txt" "$work/got.txt" || fail "get did not download hello.txt intact"

echo "== installer: $(basename "$setup") /S /URLHANDLER"
timeout 300 wine "$setup" /S /URLHANDLER
timeout 60 wineserver -w
user_dir=$(find "$WINEPREFIX/drive_c/users" -mindepth 1 -maxdepth 1 -type d ! -name Public | head -n 1)
installed=$user_dir/AppData/Local/Programs/Ferry
for file in "$installed/ferry.exe" "$installed/uninstall.exe" \
    "$user_dir/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Ferry.lnk"; do
    [ -f "$file" ] || fail "the installer did not create $file"
done
handler=$(wine_run reg query 'HKCU\Software\Classes\ftp\shell\open\command' /ve)
grep -q 'Ferry\\ferry.exe" "%1"' <<<"$handler" || fail "ftp:// is not registered: $handler"
wine_run reg query 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\Ferry' /v DisplayVersion \
    | grep -q "$version" || fail "no uninstall entry for $version"
got=$(wine_run "$installed/ferry.exe" --version)
[ "$got" = "ferry $version" ] || fail "the installed ferry.exe printed '$got'"

echo "== uninstaller /S"
timeout 120 wine "$installed/uninstall.exe" /S
for _ in $(seq 1 60); do   # it runs from a copy in %TEMP% and returns at once
    [ -e "$installed/ferry.exe" ] || break
    sleep 0.5
done
timeout 60 wineserver -w
[ ! -e "$installed" ] || fail "the uninstaller left $installed: $(ls "$installed")"
[ ! -e "$user_dir/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Ferry.lnk" ] || fail "the shortcut is left"
if wine_run reg query 'HKCU\Software\Classes\ftp' >/dev/null 2>&1; then fail "the ftp:// handler is left"; fi
echo "wine-check.sh: --version, ls, get, install, the installed exe and uninstall all work under Wine"
