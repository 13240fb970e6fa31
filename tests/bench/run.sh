#!/usr/bin/env bash
# tests/bench/run.sh: Ferry against curl (one big file) and lftp (many small files), on the same
# vsftpd on loopback, plain FTP and explicit FTPS (vsftpd with require_ssl_reuse=YES). Prints a
# table of median times and ratios (tests/bench/bench.py does the measuring).
#
#   sudo tests/bench/run.sh               every case, 5 runs each, a 512 MiB file, 1,000 small files
#   sudo QUICK=1 tests/bench/run.sh       one run each, 64 MiB, 200 small files (what .ci/run runs,
#                                         so the benchmark cannot rot; its ratios mean little)
#   RUNS=9 BIG_MIB=256 CASES="get put" ...   choose; FERRY_BIN=/path/to/ferry skips the build
#   LONG=no ...                            skip the long-link cases (below)
#
# Long links: a second vsftpd (same user, root and certificate) runs inside a network namespace,
# the clients inside another, joined by a veth pair with `tc netem delay 25ms` on both ends (a
# 50 ms round trip), then the same with 1 % loss. There Ferry's segmented download (--segments
# 4) is timed against curl (one stream) and `lftp pget -n 4`, and its parallel small files
# against `lftp mirror --parallel`. LONG_MIB (256; QUICK: 16), LOSSY_MIB (32; QUICK: 4) and
# LONG_FILES (200; QUICK: 40) size them. CLIENT_RMEM=BYTES caps the clients' TCP receive window
# (tcp_rmem's maximum in their namespace; Linux's default autotunes to 32 MiB, so one stream
# is rarely window-bound there as it is on many other systems). The namespaces carry this script's pid in their names
# and go on exit, like everything else; nothing touches the host's own network.
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
    : "${LONG_MIB:=16}" "${LOSSY_MIB:=4}" "${LONG_FILES:=40}"
fi
export LONG_MIB="${LONG_MIB:-256}" LOSSY_MIB="${LOSSY_MIB:-32}" LONG_FILES="${LONG_FILES:-200}"
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
NS_SRV="fbench$$-srv" NS_CLI="fbench$$-cli"
LONG_PID="" DELAYLINE_PID=""
cleanup() {
    IPV6=no timeout 30 bash "$SERVERS" stop vsftpd "$STATE/server" >/dev/null 2>&1 || true
    [[ -n $LONG_PID ]] && kill -TERM "$LONG_PID" 2>/dev/null
    [[ -n $DELAYLINE_PID ]] && kill -TERM "$DELAYLINE_PID" 2>/dev/null
    local ns pids
    for ns in "$NS_SRV" "$NS_CLI"; do
        [[ -e /run/netns/$ns ]] || continue
        pids=$(timeout 5 ip netns pids "$ns" 2>/dev/null || true)
        # shellcheck disable=SC2086
        [[ -n $pids ]] && kill -KILL $pids 2>/dev/null
        timeout 10 ip netns del "$ns" 2>/dev/null || echo "[bench] warning: netns $ns left"
    done
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

# The long link: vsftpd in $NS_SRV (10.78.0.1), the clients in $NS_CLI (10.78.0.2). With netem
# (CONFIG_NET_SCH_NETEM), a veth pair and bench.py sets delay and loss on both ends; a kernel
# without it (Firecracker's has none) gets delayline.py: two TUN devices and a process that
# holds each packet 25 ms and drops the loss asked, which TCP sees the same way.
LONG_LINK=""
join_namespaces() {
    if ip link add fb-srv netns "$NS_SRV" type veth peer name fb-cli netns "$NS_CLI" &&
        ip netns exec "$NS_SRV" tc qdisc add dev fb-srv root netem delay 25ms 2>/dev/null; then
        ip -n "$NS_SRV" addr add 10.78.0.1/24 dev fb-srv
        ip -n "$NS_CLI" addr add 10.78.0.2/24 dev fb-cli
        LONG_LINK=netem
        return 0
    fi
    ip -n "$NS_SRV" link del fb-srv 2>/dev/null
    echo "[bench] no netem in this kernel: the long link is tests/bench/delayline.py"
    (cd "$STATE" && exec python3 "$HERE/delayline.py" fbl 25 0 >"$STATE/delayline.out" 2>&1) &
    DELAYLINE_PID=$!
    # The link must not wait for a CPU behind the programs it carries.
    renice -n -10 -p "$DELAYLINE_PID" >/dev/null 2>&1
    local i
    for i in $(seq 50); do
        grep -q ready "$STATE/delayline.out" 2>/dev/null && break
        sleep 0.1
    done
    ip link set fbl-s netns "$NS_SRV" && ip link set fbl-c netns "$NS_CLI" || return 1
    ip -n "$NS_SRV" addr add 10.78.0.1 peer 10.78.0.2 dev fbl-s
    ip -n "$NS_CLI" addr add 10.78.0.2 peer 10.78.0.1 dev fbl-c
    ip -n "$NS_SRV" link set fbl-s txqueuelen 10000
    ip -n "$NS_CLI" link set fbl-c txqueuelen 10000
    LONG_LINK=delayline
}
start_long_link() {
    ip netns add "$NS_SRV" && ip netns add "$NS_CLI" || return 1
    join_namespaces || return 1
    if [[ -n ${CLIENT_RMEM:-} ]]; then
        ip netns exec "$NS_CLI" sysctl -q -w net.ipv4.tcp_rmem="4096 131072 $CLIENT_RMEM" || return 1
        echo "[bench] the clients' receive window is at most $CLIENT_RMEM bytes"
    fi
    local ns dev
    for ns in "$NS_SRV" "$NS_CLI"; do
        ip -n "$ns" link set lo up
        for dev in fb-srv fb-cli fbl-s fbl-c; do
            ip -n "$ns" link set "$dev" up 2>/dev/null
        done
    done
    sed -e 's/^listen_address=.*/listen_address=10.78.0.1/' \
        -e "s|^vsftpd_log_file=.*|vsftpd_log_file=$STATE/long.log|" \
        "$STATE/server/vsftpd.conf" >"$STATE/long.conf"
    setsid ip netns exec "$NS_SRV" vsftpd "$STATE/long.conf" >"$STATE/long.out" 2>&1 </dev/null &
    LONG_PID=$!
    local i
    for i in $(seq 50); do
        ip netns exec "$NS_CLI" timeout 2 bash -c 'exec 3<>/dev/tcp/10.78.0.1/'"$FTP_PORT" \
            2>/dev/null && return 0
        sleep 0.2
    done
    echo "[bench] the long-link vsftpd did not start: $(cat "$STATE/long.out")"
    return 1
}
if [[ ${LONG:-yes} != no ]]; then
    if start_long_link; then
        export LONG_CLI_NS="$NS_CLI" LONG_SRV_NS="$NS_SRV" LONG_HOST=10.78.0.1
        export LONG_IF_SRV=fb-srv LONG_IF_CLI=fb-cli LONG_LINK
        [[ $LONG_LINK == delayline ]] && export DELAYLINE_PID DELAYLINE_LOSS="$STATE/fbl.loss"
    else
        echo "[bench] long-link cases skipped"
    fi
fi

echo "[bench] $(nproc) cores, $(uname -r), $("$FERRY" --version), $(curl --version | head -1 | cut -d' ' -f1-2), $(lftp --version | head -1)"
timeout 7200 python3 "$HERE/bench.py"
