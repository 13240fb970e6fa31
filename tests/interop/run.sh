#!/usr/bin/env bash
# The interop suite: starts the real FTP servers on loopback (tests/interop/servers.sh installs
# them when missing; each also listens on [::1] unless IPV6=no), runs the ignored tests of
# tests/it whose names contain `interop` against them -- the `interop::` tests (vsftpd) and
# `matrix::interop_matrix` (every server x protocol x data mode) -- and stops the servers again,
# also when a test fails or the run is interrupted. Needs root.
set -euo pipefail
cd "$(dirname "$0")/../.."

servers=(vsftpd vsftpd-implicit pure-ftpd proftpd pyftpdlib)
state=$(mktemp -d /tmp/ferry-interop.XXXXXX)
cleanup() {
    for server in "${servers[@]}"; do
        bash tests/interop/servers.sh stop "$server" "$state/$server" || true
    done
    rm -rf "$state"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for server in "${servers[@]}"; do
    mkdir -p "$state/$server"
    bash tests/interop/servers.sh start "$server" "$state/$server"
done
# The filter `interop` selects `interop::*`, `matrix::interop_matrix` and `proxy::interop_proxy_*`.
FERRY_INTEROP_DIR="$state" cargo test --test it interop -- --ignored --test-threads 2 --nocapture
