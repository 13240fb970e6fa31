#!/usr/bin/env bash
# Renders the app with wgpu on Mesa's software Vulkan (llvmpipe) and compares it with the
# reference images in this folder. Needs root the first time (apt: mesa-vulkan-drivers).
# UPDATE_SNAPSHOTS=1 tests/snapshots/run.sh rewrites the references; look at them before committing.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! dpkg -s mesa-vulkan-drivers libvulkan1 >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -q mesa-vulkan-drivers libvulkan1 >/dev/null
fi
runtime=$(mktemp -d)
trap 'rm -rf "$runtime"' EXIT
chmod 700 "$runtime"
XDG_RUNTIME_DIR=$runtime timeout 900 cargo test --test it -- --ignored ui::snapshots
