#!/usr/bin/env bash
# The real OS keyring, headless (Linux): a private D-Bus session running gnome-keyring's
# Secret Service, unlocked with a throwaway password, under a temporary HOME; then the ignored
# `keyring_real` tests: store/read/delete through the `keyring` crate, and `ferry sites import`
# + `ferry ls site:...` with the password from the keyring, grepping every file written for it.
# Installs gnome-keyring and dbus with apt when missing (root only). Bounded: 15 minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v gnome-keyring-daemon >/dev/null || ! command -v dbus-run-session >/dev/null; then
    if [ "$(id -u)" != 0 ]; then
        echo "tests/keyring/run.sh needs gnome-keyring and dbus (run as root to install them)" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gnome-keyring dbus >/dev/null
fi

# Build with the real HOME (cargo and rustup live there), then keep using them.
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
cargo test --test it --no-run

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/home" "$scratch/run"
chmod 700 "$scratch/run"
unset FERRY_KEYRING DBUS_SESSION_BUS_ADDRESS
HOME="$scratch/home" XDG_RUNTIME_DIR="$scratch/run" XDG_DATA_HOME="$scratch/home/.local/share" \
    timeout 900 dbus-run-session -- sh -c '
        printf throwaway | gnome-keyring-daemon --unlock --components=secrets >/dev/null
        cargo test --test it -- --ignored --test-threads=1 keyring_real
    '
