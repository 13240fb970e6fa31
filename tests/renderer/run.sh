#!/usr/bin/env bash
# tests/renderer/run.sh: the app opens its window on a machine without a GPU (Xvfb, Mesa's
# software drivers) with its first renderer, glow; and when OpenGL cannot start (Mesa's GL
# drivers hidden), it says so and opens the window with wgpu instead (Mesa's software Vulkan).
# Each case checks the window appears and the renderer noted in the data folder, which is what
# `ferry --version --verbose` reports. Needs root the first time (apt: xvfb, xdotool, Mesa).
set -euo pipefail
cd "$(dirname "$0")/../.."

if [[ $(id -u) != 0 ]] && ! command -v Xvfb >/dev/null; then
    echo "tests/renderer/run.sh: skipped: needs Xvfb (root installs it)"
    exit 0
fi
if ! command -v Xvfb >/dev/null || ! command -v xdotool >/dev/null; then
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q xvfb xauth xdotool \
        libegl1 libgl1-mesa-dri libvulkan1 mesa-vulkan-drivers libxkbcommon-x11-0 libxcursor1 \
        libxi6 libx11-xcb1 >/dev/null
fi
cargo build --bin ferry -q
ferry="$PWD/target/debug/ferry"
work=$(mktemp -d)
xvfb=""
cleanup() {
    [[ -n $xvfb ]] && kill "$xvfb" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
# A display of its own: a number nobody holds, and one that answers (30 s at most) before the
# first case, or that case only shows Xvfb was slow. A display taken meanwhile: the next one.
display=""
for n in $(seq 60 99); do
    [[ -e /tmp/.X11-unix/X$n || -e /tmp/.X$n-lock ]] && continue
    # -noreset: Xvfb otherwise resets when its last client leaves, and the next case to connect
    # during the reset finds no display.
    Xvfb ":$n" -screen 0 1280x860x24 -nolisten tcp -noreset >/dev/null 2>&1 &
    xvfb=$!
    for _ in $(seq 1 120); do
        kill -0 "$xvfb" 2>/dev/null || break
        if DISPLAY=:$n xdotool getdisplaygeometry >/dev/null 2>&1; then
            display=:$n
            break
        fi
        sleep 0.25
    done
    [[ -n $display ]] && break
    kill "$xvfb" 2>/dev/null || true
    xvfb=""
done
if [[ -z $display ]]; then
    echo "FAIL  no Xvfb display answered"
    exit 1
fi
failed=0

# run_case NAME EXPECTED_RENDERER [ENV...]: starts the app, waits (bounded) for its window,
# closes it, and checks which renderer it noted.
run_case() {
    local name=$1 expected=$2 dir="$work/$1" app window=""
    shift 2
    mkdir -p "$dir/runtime" && chmod 700 "$dir/runtime"
    env DISPLAY="$display" HOME="$dir" XDG_RUNTIME_DIR="$dir/runtime" FERRY_CONFIG_DIR="$dir/config" \
        FERRY_DATA_DIR="$dir/data" "$@" timeout 60 "$ferry" >"$dir/app.log" 2>&1 &
    app=$!
    for _ in $(seq 1 80); do
        window=$(DISPLAY=$display xdotool search --name '^Ferry$' 2>/dev/null | head -n 1 || true)
        [[ -n $window ]] && break
        sleep 0.25
    done
    sleep 1
    kill "$app" 2>/dev/null || true
    wait "$app" 2>/dev/null || true
    local noted
    noted=$(cat "$dir/data/renderer" 2>/dev/null || echo none)
    if [[ -n $window && $noted == "$expected" ]]; then
        echo "ok    $name: window opened with $noted"
    else
        echo "FAIL  $name: window=${window:-none} renderer=$noted (expected $expected); log:"
        sed 's/^/      /' "$dir/app.log"
        failed=1
    fi
}

run_case glow-first glow
# Mesa's OpenGL drivers out of reach: glow cannot create a context, wgpu (Vulkan) takes over.
run_case fallback-to-wgpu wgpu LIBGL_DRIVERS_PATH=/nonexistent MESA_LOADER_DRIVER_OVERRIDE=nonexistent
if ! grep -q "renderer could not start" "$work/fallback-to-wgpu/app.log"; then
    echo "FAIL  fallback-to-wgpu: the reason glow could not start was not said"
    failed=1
fi
FERRY_DATA_DIR="$work/fallback-to-wgpu/data" "$ferry" --version --verbose | grep -q "last run drew with: wgpu" ||
    { echo "FAIL  --version --verbose does not name the renderer of the last run"; failed=1; }
run_case forced-wgpu wgpu FERRY_RENDERER=wgpu
# No display at all: one clear error, not a second renderer failing for the same reason.
DISPLAY=:1 WAYLAND_DISPLAY= timeout 30 "$ferry" >"$work/no-display.log" 2>&1 && true
if grep -q "can't be recreated" "$work/no-display.log" || ! grep -qi "ferry:" "$work/no-display.log"; then
    echo "FAIL  no-display: the error does not say why the window could not open; log:"
    sed 's/^/      /' "$work/no-display.log"
    failed=1
else
    echo "ok    no-display: $(tail -n 1 "$work/no-display.log")"
fi
exit $failed
