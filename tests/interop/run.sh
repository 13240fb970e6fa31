#!/usr/bin/env bash
# The interop suite: starts real FTP servers on loopback (tests/interop/servers.sh installs them
# when missing), runs the ignored `interop` tests of tests/it against them, and stops them again,
# also when a test fails. Needs root.
set -euo pipefail
cd "$(dirname "$0")/../.."

servers=(vsftpd vsftpd-implicit)
state=$(mktemp -d /tmp/ferry-interop.XXXXXX)
cleanup() {
    for server in "${servers[@]}"; do
        bash tests/interop/servers.sh stop "$server" "$state/$server" || true
    done
    rm -rf "$state"
}
trap cleanup EXIT

for server in "${servers[@]}"; do
    mkdir -p "$state/$server"
    bash tests/interop/servers.sh start "$server" "$state/$server"
done
FERRY_INTEROP_DIR="$state" cargo test --test it interop -- --ignored --test-threads 2 --nocapture
