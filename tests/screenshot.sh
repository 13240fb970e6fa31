#!/usr/bin/env bash
# Runs `ferry --demo` in a virtual X display, waits for its window, and writes a PNG of it
# (default: assets/screenshot.png, the picture at the top of the README). Needs root for apt the
# first time (xvfb, xauth, imagemagick, xdotool, Mesa).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-assets/screenshot.png}

if ! command -v Xvfb >/dev/null || ! command -v import >/dev/null || ! command -v xdotool >/dev/null; then
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q xvfb xauth imagemagick xdotool \
        libegl1 libgl1-mesa-dri libvulkan1 mesa-vulkan-drivers libxkbcommon-x11-0 libxcursor1 libxi6 \
        libx11-xcb1 >/dev/null
fi
cargo build --bin ferry
display=:$((90 + RANDOM % 9))
home=$(mktemp -d)
work=$(mktemp -d)
cleanup() {
    [ -n "${app:-}" ] && kill "$app" 2>/dev/null || true
    [ -n "${xvfb:-}" ] && kill "$xvfb" 2>/dev/null || true
    rm -rf "$home" "$work"
}
trap cleanup EXIT
Xvfb "$display" -screen 0 1280x860x24 >/dev/null 2>&1 &
xvfb=$!
# A local side with something in it, so both panes show files.
mkdir -p "$home/Documents" "$home/Pictures" "$home/projects/website"
printf 'Shopping list\n' > "$home/notes.txt"
head -c 250000 /dev/urandom > "$home/Pictures/holiday.jpg"
printf '<h1>Hello</h1>\n' > "$home/projects/website/index.html"
mkdir -p "$work/runtime" && chmod 700 "$work/runtime"
DISPLAY=$display HOME=$home XDG_RUNTIME_DIR=$work/runtime FERRY_CONFIG_DIR=$work/config \
    XDG_DATA_HOME=$work/data target/debug/ferry --demo >"$work/app.log" 2>&1 &
app=$!
window=""
for _ in $(seq 1 60); do
    window=$(DISPLAY=$display xdotool search --class '^ferry$' 2>/dev/null | head -n 1 || true)
    [ -n "$window" ] && break
    sleep 0.5
done
[ -n "$window" ] || { echo "screenshot.sh: the Ferry window never appeared" >&2; cat "$work/app.log" >&2; exit 1; }
sleep 4   # the demo connects and lists
DISPLAY=$display import -window root "$out"
echo "wrote $out"
