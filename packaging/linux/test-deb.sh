#!/usr/bin/env bash
# Installs Ferry's .deb and runs it (as root):
#   packaging/linux/test-deb.sh [--chroot] [DEB]     (DEB: default target/packages/ferry_*.deb)
# Without --chroot, on this machine: `apt-get install ./DEB`, `ferry --version`, then
# `ferry --demo` in a virtual X display (Xvfb), which must open its window; the screen is saved
# to target/packages/deb-demo.png. With --chroot, the same in a fresh minimal Debian 12
# (mmdebstrap --variant=apt) holding nothing but the .deb and what its Depends pull in, which
# proves the list is complete: only the X server (Xvfb) runs outside, sharing its socket.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
# shellcheck source=packaging/lib.sh
. packaging/lib.sh

chroot_mode=false
if [ "${1:-}" = "--chroot" ]; then
    chroot_mode=true
    shift
fi
version=$(ferry_version)
deb=$(realpath "${1:-target/packages/ferry_${version}-1_amd64.deb}")
[ -f "$deb" ] || { echo "test-deb.sh: no $deb (run packaging/build-linux.sh)" >&2; exit 2; }
shot=$root/target/packages/deb-demo.png
[ "$(id -u)" = 0 ] || { echo "test-deb.sh: run as root (apt-get install)" >&2; exit 2; }

need=()
command -v Xvfb >/dev/null || need+=(xvfb xauth)
command -v xdotool >/dev/null || need+=(xdotool)
command -v import >/dev/null || need+=(imagemagick)
$chroot_mode && ! command -v mmdebstrap >/dev/null && need+=(mmdebstrap)
[ "${#need[@]}" -eq 0 ] || apt_install "${need[@]}"

work=$(mktemp -d)
cleanup() {
    [ -n "${app:-}" ] && kill "$app" 2>/dev/null
    [ -n "${xvfb:-}" ] && kill "$xvfb" 2>/dev/null
    if [ -n "${jail:-}" ]; then
        for mount in "$jail/tmp/.X11-unix" "$jail/proc" "$jail/dev"; do
            mountpoint -q "$mount" && umount "$mount"
        done
        # Never delete through a bind mount (the host's /dev or X sockets).
        if grep -q " $jail/" /proc/mounts; then
            echo "test-deb.sh: $jail still has mounts; not deleting $work" >&2
            return
        fi
    fi
    rm -rf --one-file-system "$work"
}
trap cleanup EXIT

# "${run[@]}" CMD...: runs a command where Ferry is installed (here, or inside the chroot), with
# exec all the way down, so that a background command's PID is the command's own.
run=()
if $chroot_mode; then
    jail=$work/debian
    echo "== mmdebstrap: a minimal Debian 12 in $jail"
    timeout 900 mmdebstrap --quiet --variant=apt bookworm "$jail" \
        "deb http://deb.debian.org/debian bookworm main" \
        "deb http://deb.debian.org/debian bookworm-updates main" \
        "deb http://deb.debian.org/debian-security bookworm-security main"
    cp "$deb" "$jail/tmp/"
    mkdir -p "$jail/tmp/.X11-unix"
    mount --bind /tmp/.X11-unix "$jail/tmp/.X11-unix"
    mount -t proc proc "$jail/proc"
    mount --bind /dev "$jail/dev"
    run=(chroot "$jail" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root)
    install_path=/tmp/$(basename "$deb")
    scratch=/tmp
    "${run[@]}" timeout 300 apt-get update -q >/dev/null   # mmdebstrap leaves no package lists
else
    install_path=$deb
    scratch=$work
fi

echo "== apt-get install $install_path"
"${run[@]}" env DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -q "$install_path" >"$work/apt.log" 2>&1 \
    || { cat "$work/apt.log" >&2; exit 1; }
echo "== ferry --version"
got=$("${run[@]}" timeout 30 ferry --version)
echo "$got"
[ "$got" = "ferry $version" ] || { echo "test-deb.sh: expected 'ferry $version'" >&2; exit 1; }
"${run[@]}" test -f /usr/share/applications/ferry.desktop
"${run[@]}" test -f /usr/share/icons/hicolor/256x256/apps/ferry.png

echo "== ferry --demo under Xvfb"
mkdir -p /tmp/.X11-unix
# Xvfb picks a free display number and writes it to fd 3.
Xvfb -displayfd 3 -screen 0 1280x860x24 -nolisten tcp 3>"$work/display" >"$work/xvfb.log" 2>&1 &
xvfb=$!
for _ in $(seq 1 40); do
    [ -s "$work/display" ] && break
    sleep 0.25
done
[ -s "$work/display" ] || { echo "test-deb.sh: Xvfb did not start" >&2; cat "$work/xvfb.log" >&2; exit 1; }
display=:$(head -n 1 "$work/display")
"${run[@]}" mkdir -p "$scratch/home" "$scratch/config" "$scratch/runtime" "$scratch/tmp"
"${run[@]}" chmod 700 "$scratch/runtime"
"${run[@]}" env DISPLAY="$display" HOME="$scratch/home" XDG_RUNTIME_DIR="$scratch/runtime" \
    FERRY_CONFIG_DIR="$scratch/config" TMPDIR="$scratch/tmp" \
    timeout 120 ferry --demo >"$work/app.log" 2>&1 &
app=$!
window=""
for _ in $(seq 1 60); do
    window=$(DISPLAY=$display xdotool search --name '^Ferry$' 2>/dev/null | head -n 1 || true)
    [ -n "$window" ] && break
    kill -0 "$app" 2>/dev/null || break
    sleep 0.5
done
[ -n "$window" ] || { echo "test-deb.sh: the Ferry window never appeared" >&2; cat "$work/app.log" >&2; exit 1; }
sleep 4   # the demo connects and lists
DISPLAY=$display import -window root "$shot"
kill -0 "$app" 2>/dev/null || { echo "test-deb.sh: ferry --demo exited" >&2; cat "$work/app.log" >&2; exit 1; }
echo "test-deb.sh: installed $(basename "$deb")$($chroot_mode && echo ' in a clean Debian 12 chroot'), ran --version and --demo; screen in $shot"
