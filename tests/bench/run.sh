#!/usr/bin/env bash
# tests/bench/run.sh: Ferry against curl (one big file) and lftp (many small files), on the same
# vsftpd on loopback, plain FTP and explicit FTPS (vsftpd with require_ssl_reuse=YES). Prints a
# table of median times and ratios (tests/bench/bench.py does the measuring).
#
#   sudo tests/bench/run.sh               every case, 5 runs each, a 512 MiB file, 1,000 small files
#   sudo QUICK=1 tests/bench/run.sh       one run each, 64 MiB, 200 small files (what .ci/run runs,
#                                         so the benchmark cannot rot; its ratios mean little)
#   RUNS=9 BIG_MIB=256 CASES="get put" ...   choose; FERRY_BIN=/path/to/ferry skips the build
#
# Needs root (apt-get install of vsftpd, curl, lftp; the servers' local user). Builds Ferry
# with `cargo build --release`. Not part of `cargo test`: it measures, it does not judge.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
readonly HERE REPO
SERVERS="$REPO/tests/interop/servers.sh"

if [[ $(id -u) != 0 ]]; then
    echo "tests/bench/run.sh: skipped: needs root (apt-get, vsftpd's local user)"
    exit 0
fi

if [[ -n ${QUICK:-} ]]; then
    : "${RUNS:=1}" "${BIG_MIB:=64}" "${SMALL_FILES:=200}"
fi
export RUNS="${RUNS:-5}" BIG_MIB="${BIG_MIB:-512}" SMALL_FILES="${SMALL_FILES:-1000}"
export PARALLEL="${PARALLEL:-4}" CASES="${CASES:-}"

missing=()
command -v curl >/dev/null || missing+=(curl)
command -v lftp >/dev/null || missing+=(lftp)
if ((${#missing[@]})); then
    echo "[bench] apt-get install ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q "${missing[@]}" >/dev/null
fi

if [[ -z ${FERRY_BIN:-} ]]; then
    echo "[bench] cargo build --release --bin ferry"
    (cd "$REPO" && timeout 3000 cargo build --release --bin ferry -q)
    FERRY_BIN="$REPO/target/release/ferry"
    [[ -n ${CARGO_TARGET_DIR:-} ]] && FERRY_BIN="$CARGO_TARGET_DIR/release/ferry"
fi

STATE=$(mktemp -d /tmp/ferry-bench.XXXXXX)
cleanup() {
    IPV6=no timeout 30 bash "$SERVERS" stop vsftpd "$STATE/server" >/dev/null 2>&1 || true
    rm -rf "$STATE"
}
trap cleanup EXIT INT TERM
mkdir -p "$STATE/server" "$STATE/work"
cp -- "$FERRY_BIN" "$STATE/ferry"

IPV6=no timeout 300 bash "$SERVERS" start vsftpd "$STATE/server" >/dev/null
# shellcheck disable=SC1091
source "$STATE/server/env"
export FTP_HOST FTP_PORT FTP_USER FTP_PASS FTP_ROOT FTP_CERT_SHA256
export FERRY="$STATE/ferry" WORK="$STATE/work"
# Ferry's own settings and trust store stay inside the run.
export FERRY_CONFIG_DIR="$STATE/config"

echo "[bench] $(nproc) cores, $(uname -r), $("$FERRY" --version), $(curl --version | head -1 | cut -d' ' -f1-2), $(lftp --version | head -1)"
timeout 7200 python3 "$HERE/bench.py"
