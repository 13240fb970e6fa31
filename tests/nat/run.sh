#!/usr/bin/env bash
# tests/nat/run.sh: the NAT lab. Reproduces, on one machine, the three network situations
# Ferry exists for, and runs the real `ferry` binary inside them:
#
#   A  a client behind a masquerading router (home NAT), with and without the FTP helper;
#   B  a server behind NAT whose 227 reply announces its private address;
#   C  firewalls on the client and the server (inbound NEW dropped, passive range closed).
#
# Everything lives in network namespaces this script creates (names carry its pid) and joins
# with veth pairs created directly inside them: no address, route or rule touches the host's
# own namespace. Addresses are 10.77.x.y, inside those namespaces only. The trap deletes it all
# (servers, namespaces, temp dir) on exit, Ctrl-C or TERM, whatever the checks did.
#
#   sudo tests/nat/run.sh             builds ferry (cargo build --bin ferry) and runs every lab
#   LABS="A C" tests/nat/run.sh       only some labs
#   FERRY_BIN=/path/to/ferry ...      skip the build, test this binary
#   KEEP_TMP=1 ...                    keep the temp dir (server logs, every command's output)
#
# Needs root; without it, it says why and exits 0. Installs iptables/curl/openssl and the
# pyftpdlib venv (shared with tests/interop/servers.sh) when missing. Ends with the line
# "N passed, M failed" and exits 1 when M > 0. See tests/nat/README.md.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
readonly HERE REPO

if [[ $(id -u) != 0 ]]; then
    echo "tests/nat/run.sh: skipped: needs root (network namespaces, veth pairs, iptables)"
    exit 0
fi

# ---------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------

readonly STEP=5                      # ferry --timeout: seconds for each step
readonly BOUND=$((3 * STEP))         # a failure must come back within this many seconds
readonly BOUND_AUTO=$((4 * STEP))    # ... and in auto mode (passive, then active) within this
readonly HARD=60                     # outer `timeout` on any ferry or curl run
readonly PASV_LO=30000 PASV_HI=30009 # the server's passive port range
readonly LAB_USER=ferry
readonly LAB_PASS='n@t lab:pa ss'    # punctuation and spaces on purpose; via $FERRY_PASSWORD
readonly CACHE=/var/cache/ferry-interop
readonly VENV="$CACHE/venv"          # the same venv tests/interop/servers.sh creates
readonly PYFTPD="$REPO/tests/interop/pyftpd_server.py"
readonly NSP="fnat$$"                # namespace names: fnat<PID>-a-cli, ...

TMP=""                               # the run's temp dir (root of everything on disk)
FERRY=""                             # the ferry binary, copied into $TMP
FP=""                                # SHA-256 fingerprint of the lab's certificate
BLOB_SHA=""                          # sha256 of the file every `get` downloads
NAMESPACES=()                        # every namespace created, for teardown
SERVER_PIDS=()                       # every FTP server started, for teardown
PASSED=0
FAILED=0
FAILED_NAMES=()
NCHECK=0

say() { printf '[nat] %s\n' "$*"; }

# ---------------------------------------------------------------------------------------
# Teardown: always, whatever happened
# ---------------------------------------------------------------------------------------

teardown() {
    local pid ns pids
    for pid in "${SERVER_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for ns in "${NAMESPACES[@]}"; do
        # Whatever still runs inside our namespaces (a server, a ferry the timeout missed).
        pids=$(timeout 5 ip netns pids "$ns" 2>/dev/null || true)
        # shellcheck disable=SC2086
        [[ -n $pids ]] && kill -KILL $pids 2>/dev/null
        timeout 10 ip netns del "$ns" 2>/dev/null || say "warning: could not delete netns $ns"
    done
    NAMESPACES=()
    SERVER_PIDS=()
    if [[ -n $TMP && -d $TMP ]]; then
        if [[ ${KEEP_TMP:-0} == 1 ]]; then
            say "kept $TMP"
        else
            rm -rf -- "$TMP"
        fi
    fi
    TMP=""
}

on_exit() {
    local rc=$?
    trap - EXIT INT TERM
    teardown
    exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------
# Prerequisites: tools, the pyftpdlib venv, the ferry binary
# ---------------------------------------------------------------------------------------

apt_install() {
    say "apt-get install $*"
    local install=(apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=120)
    DEBIAN_FRONTEND=noninteractive timeout 600 "${install[@]}" "$@" >"$TMP/apt.log" 2>&1 || {
        timeout 300 apt-get update -q >>"$TMP/apt.log" 2>&1 || true
        DEBIAN_FRONTEND=noninteractive timeout 600 "${install[@]}" "$@" >>"$TMP/apt.log" 2>&1
    } || { tail -n 20 "$TMP/apt.log" >&2; return 1; }
}

ensure_tools() {
    local missing=()
    command -v ip >/dev/null || missing+=(iproute2)
    command -v iptables >/dev/null || missing+=(iptables)
    command -v curl >/dev/null || missing+=(curl)
    command -v openssl >/dev/null || missing+=(openssl)
    if ! timeout 20 "$VENV/bin/python3" -c 'import pyftpdlib, OpenSSL' >/dev/null 2>&1; then
        [[ -x /usr/bin/python3 ]] || missing+=(python3)
        timeout 20 /usr/bin/python3 -c 'import ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
    fi
    mkdir -p "$CACHE"
    # The lock tests/interop/servers.sh takes: installing is not parallel-safe.
    (
        flock -w 120 9 || { say "another install holds $CACHE/.lock"; exit 1; }
        if ((${#missing[@]})); then apt_install "${missing[@]}" || exit 1; fi
        if ! timeout 20 "$VENV/bin/python3" -c 'import pyftpdlib, OpenSSL' >/dev/null 2>&1; then
            say "creating $VENV with pyftpdlib and pyOpenSSL"
            rm -rf "$VENV"
            timeout 120 /usr/bin/python3 -m venv "$VENV" &&
                timeout 300 "$VENV/bin/pip" install -q pyftpdlib pyopenssl >/dev/null || exit 1
        fi
    ) 9>"$CACHE/.lock"
}

# Builds ferry (debug) unless FERRY_BIN names one, and copies it into $TMP so that a rebuild
# by someone else in the same tree during the run cannot swap the binary under the checks.
# The reader of cargo's messages lives as long as cargo does (the outer timeout bounds both):
# on a clean CI machine `cargo build --bin ferry` recompiles dependencies whose features differ
# from the test build's, which takes minutes, and a reader that quit early broke cargo's pipe.
build_ferry() {
    local src=${FERRY_BIN:-}
    if [[ -z $src ]]; then
        say "cargo build --bin ferry (may wait for the cargo lock)"
        local t0=$SECONDS
        src=$(cd "$REPO" && timeout 1800 cargo build --bin ferry --message-format=json-render-diagnostics |
            /usr/bin/python3 -c '
import json, sys
exe = ""
for line in sys.stdin:
    try:
        m = json.loads(line)
    except ValueError:
        continue
    if m.get("reason") == "compiler-artifact" and m.get("target", {}).get("name") == "ferry" \
            and m.get("executable"):
        exe = m["executable"]
print(exe)') || return 1
        say "built in $((SECONDS - t0)) s: $src"
    fi
    [[ -n $src && -x $src ]] || { say "no ferry binary (${src:-none})"; return 1; }
    cp -- "$src" "$TMP/ferry" && FERRY="$TMP/ferry"
}

# ---------------------------------------------------------------------------------------
# Namespaces, veth wiring, firewalls
# ---------------------------------------------------------------------------------------

# nsx NS CMD...: run a short command inside NS, bounded.
nsx() {
    local ns=$1; shift
    timeout -k 2 10 ip netns exec "$ns" "$@"
}

# ipt NS ARGS...: iptables inside NS.
ipt() {
    local ns=$1; shift
    nsx "$ns" iptables -w 5 "$@"
}

# ns_new NAME: a fresh namespace with its loopback up; its name is printed (fnat<PID>-NAME).
ns_new() {
    local ns="$NSP-$1"
    if timeout 5 ip netns list | grep -qw -- "$ns"; then
        say "namespace $ns exists already"; return 1
    fi
    timeout 10 ip netns add "$ns" || return 1
    NAMESPACES+=("$ns")
    timeout 10 ip -n "$ns" link set lo up || return 1
}

# ns_del NAME...: delete these namespaces of ours now (a finished lab), killing what runs there.
ns_del() {
    local name ns pids keep=() n
    for name in "$@"; do
        ns="$NSP-$name"
        pids=$(timeout 5 ip netns pids "$ns" 2>/dev/null || true)
        # shellcheck disable=SC2086
        [[ -n $pids ]] && kill -KILL $pids 2>/dev/null
        timeout 10 ip netns del "$ns" 2>/dev/null || say "warning: could not delete netns $ns"
        keep=()
        for n in "${NAMESPACES[@]}"; do [[ $n == "$ns" ]] || keep+=("$n"); done
        NAMESPACES=("${keep[@]}")
    done
}

# wire NS1 IF1 ADDR1 NS2 IF2 ADDR2: a veth pair created directly inside the two namespaces
# (never in the host's), with ADDR/24 on each end, both up.
wire() {
    local ns1=$1 if1=$2 a1=$3 ns2=$4 if2=$5 a2=$6
    timeout 10 ip -n "$ns1" link add "$if1" type veth peer name "$if2" netns "$ns2" &&
        timeout 10 ip -n "$ns1" addr add "$a1/24" dev "$if1" &&
        timeout 10 ip -n "$ns2" addr add "$a2/24" dev "$if2" &&
        timeout 10 ip -n "$ns1" link set "$if1" up &&
        timeout 10 ip -n "$ns2" link set "$if2" up
}

default_route() { timeout 10 ip -n "$1" route add default via "$2"; }

router_on() { nsx "$1" sysctl -qw net.ipv4.ip_forward=1; }

# fw_server NS open|closed: INPUT policy DROP; lo, ESTABLISHED,RELATED and tcp 21 allowed,
# and the passive range too when "open".
fw_server() {
    local ns=$1 range=$2
    ipt "$ns" -F INPUT && ipt "$ns" -P INPUT DROP &&
        ipt "$ns" -A INPUT -i lo -j ACCEPT &&
        ipt "$ns" -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT &&
        ipt "$ns" -A INPUT -p tcp --dport 21 -j ACCEPT || return 1
    if [[ $range == open ]]; then
        ipt "$ns" -A INPUT -p tcp --dport "$PASV_LO:$PASV_HI" -j ACCEPT || return 1
    fi
}

# fw_client NS drop-inbound|open: with drop-inbound, a new connection from outside is dropped
# (what a desktop firewall does); replies to the client's own connections pass.
fw_client() {
    local ns=$1 how=$2
    ipt "$ns" -F INPUT && ipt "$ns" -P INPUT ACCEPT || return 1
    if [[ $how == drop-inbound ]]; then
        ipt "$ns" -P INPUT DROP &&
            ipt "$ns" -A INPUT -i lo -j ACCEPT &&
            ipt "$ns" -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT || return 1
    fi
}

# ---------------------------------------------------------------------------------------
# The FTP server (pyftpdlib, plain FTP and explicit FTPS on port 21)
# ---------------------------------------------------------------------------------------

# make_fixtures: the FTP root with a random file, and a throwaway certificate.
make_fixtures() {
    mkdir -p "$TMP/root" "$TMP/dl" "$TMP/out" "$TMP/config" && chmod 755 "$TMP" "$TMP/root" &&
        timeout 10 head -c 1048576 /dev/urandom >"$TMP/root/blob.bin" &&
        printf 'hello from the NAT lab\n' >"$TMP/root/hello.txt" &&
        chmod 644 "$TMP/root/blob.bin" "$TMP/root/hello.txt" || return 1
    BLOB_SHA=$(sha256sum "$TMP/root/blob.bin" | cut -d' ' -f1)
    (
        umask 077
        timeout 60 openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 \
            -subj '/CN=ferry-nat-lab' \
            -addext 'basicConstraints=critical,CA:FALSE' \
            -addext 'subjectAltName=IP:10.77.2.2,IP:10.77.4.1,IP:10.77.3.2,IP:10.77.5.1' \
            -addext 'keyUsage=critical,digitalSignature,keyEncipherment' \
            -addext 'extendedKeyUsage=serverAuth' \
            -keyout "$TMP/key.pem" -out "$TMP/cert.pem" >/dev/null 2>&1 &&
            cat "$TMP/cert.pem" "$TMP/key.pem" >"$TMP/certkey.pem"
    ) || { say "openssl could not create a certificate"; return 1; }
    FP=$(timeout 10 openssl x509 -in "$TMP/cert.pem" -noout -fingerprint -sha256 | cut -d= -f2)
    [[ -n $FP ]] || return 1
    # curl reads the login from here, so the password is in no command line.
    local pass=${LAB_PASS//\\/\\\\}
    pass=${pass//\"/\\\"}
    (umask 077 && printf 'user = "%s:%s"\n' "$LAB_USER" "$pass" >"$TMP/curlrc")
}

# start_server LABEL NS ADDR: pyftpdlib on ADDR:21 inside NS (no masquerade: a 227 reply
# announces ADDR), passive range PASV_LO-PASV_HI, dropping to `nobody` after binding.
# It runs under `timeout` too, so it cannot outlive a run whose teardown never came.
start_server() {
    local label=$1 ns=$2 addr=$3 pid deadline
    FTP_BIND=$addr FTP_PORT=21 FTP_USER=$LAB_USER FTP_PASS=$LAB_PASS FTP_ROOT=$TMP/root \
        FTP_CERT=$TMP/certkey.pem FTP_PASV_RANGE=$PASV_LO-$PASV_HI RUN_AS=nobody MASQUERADE='' \
        timeout -k 5 900 ip netns exec "$ns" "$VENV/bin/python3" "$PYFTPD" \
        >"$TMP/server-$label.log" 2>&1 </dev/null &
    pid=$!
    SERVER_PIDS+=("$pid")
    echo "$pid" >"$TMP/server-$label.pid"
    echo "$ns" >"$TMP/server-$label.ns"
    deadline=$((SECONDS + 10))
    while :; do
        if ! kill -0 "$pid" 2>/dev/null; then
            say "server $label exited during start-up:"; tail -n 20 "$TMP/server-$label.log"
            return 1
        fi
        # shellcheck disable=SC2016
        if nsx "$ns" timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/21" && IFS= read -r -t 2 l <&3 &&
                [[ $l == 220* ]]' _ "$addr" 2>/dev/null; then
            return 0
        fi
        ((SECONDS < deadline)) || {
            say "server $label did not answer on $addr:21 within 10 s"
            tail -n 20 "$TMP/server-$label.log"; return 1
        }
        sleep 0.2
    done
}

# stop_server LABEL: TERM, then KILL after 5 s; then whatever still runs in its namespace.
stop_server() {
    local label=$1 pid ns pids i
    [[ -f $TMP/server-$label.pid ]] || return 0
    pid=$(<"$TMP/server-$label.pid")
    ns=$(<"$TMP/server-$label.ns")
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pids=$(timeout 5 ip netns pids "$ns" 2>/dev/null || true)
    # shellcheck disable=SC2086
    [[ -n $pids ]] && kill -KILL $pids 2>/dev/null
    rm -f "$TMP/server-$label.pid" "$TMP/server-$label.ns"
}

# ---------------------------------------------------------------------------------------
# Running ferry and curl, and checking what they did
# ---------------------------------------------------------------------------------------

# ferry_in NS ARGS...: the real binary inside NS, password from the environment, a private
# config dir, the lab's step timeout; bounded from outside as well.
ferry_in() {
    local ns=$1; shift
    FERRY_PASSWORD=$LAB_PASS FERRY_CONFIG_DIR=$TMP/config \
        timeout -k 3 "$HARD" ip netns exec "$ns" "$FERRY" "$@" --timeout "$STEP" --log
}

# curl_in NS ARGS...: curl inside NS with the lab's login, bounded.
curl_in() {
    local ns=$1; shift
    timeout -k 3 "$HARD" ip netns exec "$ns" curl -sS --connect-timeout "$STEP" \
        --max-time $((2 * STEP)) -K "$TMP/curlrc" "$@"
}

url() { printf '%s://%s@%s:21/%s' "$1" "$LAB_USER" "$2" "${3:-}"; }

# check NAME EXPECTED_EXIT CMD...
#   Runs CMD (ferry_in or curl_in ...), times it, and prints one PASS/FAIL line.
#   EXPECTED_EXIT: 0 (must succeed) or !0 (must fail).
#   Further assertions, given as variables on the call (all regexes: grep -E, any case):
#     MAX_SECS  the command must end within this many seconds
#     ERR_RE, ERR_RE2  ferry's one "ferry: " error line must match (both, when both are set)
#     LOG_RE    some line of stderr (ferry's --log) must match
#     OUT_RE    stdout must match
#     GOT       a downloaded file whose sha256 must be BLOB_SHA
#   On FAIL: the reasons, ferry's error line, and the last 30 lines of its session log.
check() {
    local name=$1 expect=$2; shift 2
    local tag out err t0 t1 rc ms secs errlines nerr is_ferry=0
    local -a why=()
    NCHECK=$((NCHECK + 1))
    tag=$(printf '%02d' "$NCHECK")
    out="$TMP/out/$tag.stdout"
    err="$TMP/out/$tag.stderr"
    [[ $1 == ferry_in ]] && is_ferry=1
    [[ -n ${GOT:-} ]] && rm -f -- "$GOT" "$GOT.part"
    printf '%s\n' "$*" >"$TMP/out/$tag.cmd"

    t0=${EPOCHREALTIME/./}
    "$@" >"$out" 2>"$err" </dev/null
    rc=$?
    t1=${EPOCHREALTIME/./}
    ms=$(((t1 - t0) / 1000))
    secs=$(printf '%d.%02d' $((ms / 1000)) $((ms % 1000 / 10)))

    if [[ $expect == 0 ]]; then
        ((rc == 0)) || why+=("exit status $rc, expected 0")
    else
        ((rc != 0)) || why+=("exit status 0, expected a failure")
    fi
    ((rc == 124 || rc == 137)) && why+=("killed by the outer timeout (${HARD} s): an unbounded wait")
    if grep -qiE "unexpected argument|unrecognized (option|argument)|invalid value .* for '--" "$err"; then
        why+=("this ferry does not accept an option used here (not landed yet?)")
    fi
    if [[ -n ${MAX_SECS:-} ]] && ((ms > MAX_SECS * 1000)); then
        why+=("took ${secs} s, more than ${MAX_SECS} s")
    fi
    errlines=$(grep -E '^ferry: ' "$err" || true)
    nerr=0
    [[ -n $errlines ]] && nerr=$(printf '%s\n' "$errlines" | wc -l)
    if ((is_ferry && rc != 0 && nerr != 1)); then
        why+=("expected exactly one 'ferry: ' line on stderr, found $nerr")
    fi
    if [[ -n ${ERR_RE:-} ]] && ! printf '%s\n' "$errlines" | grep -qiE -- "$ERR_RE"; then
        why+=("error line does not match /$ERR_RE/")
    fi
    if [[ -n ${ERR_RE2:-} ]] && ! printf '%s\n' "$errlines" | grep -qiE -- "$ERR_RE2"; then
        why+=("error line does not match /$ERR_RE2/")
    fi
    if [[ -n ${LOG_RE:-} ]] && ! grep -qiE -- "$LOG_RE" "$err"; then
        why+=("no log line matches /$LOG_RE/")
    fi
    if [[ -n ${OUT_RE:-} ]] && ! grep -qiE -- "$OUT_RE" "$out"; then
        why+=("stdout does not match /$OUT_RE/")
    fi
    if [[ -n ${GOT:-} && $rc == 0 ]]; then
        local sha=""
        [[ -f $GOT ]] && sha=$(sha256sum "$GOT" | cut -d' ' -f1)
        [[ $sha == "$BLOB_SHA" ]] || why+=("downloaded file's sha256 ${sha:-(no file)} != $BLOB_SHA")
    fi

    if ((${#why[@]} == 0)); then
        PASSED=$((PASSED + 1))
        printf 'PASS  %-58s %6s s\n' "$name" "$secs"
        return 0
    fi
    FAILED=$((FAILED + 1))
    FAILED_NAMES+=("$name")
    printf 'FAIL  %-58s %6s s\n' "$name" "$secs"
    local w
    for w in "${why[@]}"; do printf '      - %s\n' "$w"; done
    printf '      command: %s\n' "$*"
    if ((is_ferry)); then
        printf '      stderr (ferry: lines):\n'
        printf '%s\n' "${errlines:-(none)}" | sed 's/^/        /'
        grep -vE '^(Status|Command|Response|Error|Trace):' "$err" | grep -vE '^ferry: ' |
            head -n 10 | sed 's/^/        /'
        printf '      last 30 lines of the session log:\n'
        grep -E '^(Status|Command|Response|Error):' "$err" | tail -n 30 | sed 's/^/        /'
    else
        printf '      stderr:\n'
        tail -n 30 "$err" | sed 's/^/        /'
    fi
    return 1
}

# A lab whose set-up failed counts as one failed check; its checks are skipped.
setup_failed() {
    FAILED=$((FAILED + 1))
    FAILED_NAMES+=("$1")
    printf 'FAIL  %s\n' "$1"
}

# ---------------------------------------------------------------------------------------
# Lab A: the client behind a masquerading router, the server outside
#
#   client 10.77.1.2 ── 10.77.1.1 router 10.77.2.1 ── 10.77.2.2 server
#                        (MASQUERADE out of wan0; forwards only LAN→WAN and replies)
# ---------------------------------------------------------------------------------------

lab_a() {
    say "lab A: client behind a masquerading router"
    local cli="$NSP-a-cli" rtr="$NSP-a-rtr" srv="$NSP-a-srv"
    {
        ns_new a-cli && ns_new a-rtr && ns_new a-srv &&
            wire "$cli" eth0 10.77.1.2 "$rtr" lan0 10.77.1.1 &&
            wire "$rtr" wan0 10.77.2.1 "$srv" eth0 10.77.2.2 &&
            default_route "$cli" 10.77.1.1 &&
            router_on "$rtr" &&
            ipt "$rtr" -t nat -A POSTROUTING -o wan0 -j MASQUERADE &&
            ipt "$rtr" -P FORWARD DROP &&
            ipt "$rtr" -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT &&
            ipt "$rtr" -A FORWARD -i lan0 -o wan0 -j ACCEPT &&
            start_server a "$srv" 10.77.2.2
    } || { setup_failed "A: lab set-up"; return; }

    local S=10.77.2.2 blob="$TMP/dl/blob-a.bin"
    # The lab itself, checked with curl first.
    OUT_RE='blob\.bin' check "A0 lab: curl passive LIST through the NAT" 0 \
        curl_in "$cli" --ftp-pasv "$(url ftp $S)"
    check "A0 lab: curl active (PORT) fails without the FTP helper" '!0' \
        curl_in "$cli" -P - --disable-eprt "$(url ftp $S)"

    OUT_RE='blob\.bin' check "A1 passive ls" 0 \
        ferry_in "$cli" ls "$(url ftp $S)" --mode passive
    GOT=$blob check "A2 passive get, sha256 matches" 0 \
        ferry_in "$cli" get "$(url ftp $S blob.bin)" "$blob" --mode passive --on-exists overwrite
    GOT=$blob check "A3 auto get, sha256 matches" 0 \
        ferry_in "$cli" get "$(url ftp $S blob.bin)" "$blob" --mode auto --on-exists overwrite
    MAX_SECS=$BOUND ERR_RE='active mode' check "A4 active fails behind NAT, bounded, says active mode" '!0' \
        ferry_in "$cli" ls "$(url ftp $S)" --mode active

    # A router that runs the FTP helper rewrites the PORT command and opens the way back.
    ipt "$rtr" -t raw -A PREROUTING -p tcp --dport 21 -j CT --helper ftp ||
        { setup_failed "A: enabling the router's FTP helper"; return; }
    OUT_RE='blob\.bin' check "A0 lab: curl active (PORT) works with the FTP helper" 0 \
        curl_in "$cli" -P - --disable-eprt "$(url ftp $S)"
    GOT=$blob check "A5 active get with the router's FTP helper, sha256 matches" 0 \
        ferry_in "$cli" get "$(url ftp $S blob.bin)" "$blob" --mode active --on-exists overwrite
    GOT=$blob check "A6 FTPS passive get through the NAT, sha256 matches" 0 \
        ferry_in "$cli" get "$(url ftpes $S blob.bin)" "$blob" --mode passive --trust "$FP" \
        --on-exists overwrite
    MAX_SECS=$BOUND ERR_RE='active mode' check "A7 FTPS active fails despite the helper (PORT encrypted)" '!0' \
        ferry_in "$cli" get "$(url ftpes $S blob.bin)" "$blob" --mode active --trust "$FP" \
        --on-exists overwrite
    helper_report "$rtr"
    stop_server a
    ns_del a-cli a-rtr a-srv
}

# What the kernel's FTP helper did in lab A's router, for the record (not a check): the
# connections the server opened to the router's address, which only an expectation created
# by the helper (PORT rewritten by nf_nat_ftp) lets through to the client.
helper_report() {
    local rtr=$1 n
    n=$(nsx "$rtr" cat /proc/net/nf_conntrack 2>/dev/null |
        grep -c 'tcp .* src=10\.77\.2\.2 dst=10\.77\.2\.1 .* src=10\.77\.1\.2 ' || true)
    say "router: ${n:-0} data connection(s) from the server let back in by the FTP helper"
}

# ---------------------------------------------------------------------------------------
# Lab B: the server behind NAT announcing its private address
#
#   client 10.77.4.2 ── 10.77.4.1 router 10.77.3.1 ── 10.77.3.2 server
#                        (DNAT tcp 21 and 30000-30009 on 10.77.4.1 to 10.77.3.2; the
#                         private network is not reachable from the client side)
# ---------------------------------------------------------------------------------------

lab_b() {
    say "lab B: server behind NAT announcing its private address"
    local cli="$NSP-b-cli" rtr="$NSP-b-rtr" srv="$NSP-b-srv"
    {
        ns_new b-cli && ns_new b-rtr && ns_new b-srv &&
            wire "$cli" eth0 10.77.4.2 "$rtr" wan0 10.77.4.1 &&
            wire "$rtr" lan0 10.77.3.1 "$srv" eth0 10.77.3.2 &&
            default_route "$cli" 10.77.4.1 &&
            default_route "$srv" 10.77.3.1 &&
            router_on "$rtr" &&
            ipt "$rtr" -t nat -A PREROUTING -i wan0 -d 10.77.4.1 -p tcp -m multiport \
                --dports "21,$PASV_LO:$PASV_HI" -j DNAT --to-destination 10.77.3.2 &&
            ipt "$rtr" -P FORWARD DROP &&
            ipt "$rtr" -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT &&
            ipt "$rtr" -A FORWARD -i wan0 -o lan0 -m conntrack --ctstate DNAT -j ACCEPT &&
            ipt "$rtr" -A FORWARD -i lan0 -o wan0 -j ACCEPT &&
            start_server b "$srv" 10.77.3.2
    } || { setup_failed "B: lab set-up"; return; }

    local S=10.77.4.1 blob="$TMP/dl/blob-b.bin"
    OUT_RE='blob\.bin' check "B0 lab: curl PASV using the control address works" 0 \
        curl_in "$cli" --ftp-pasv --disable-epsv --ftp-skip-pasv-ip "$(url ftp $S)"
    check "B0 lab: curl PASV trusting the 227 address fails" '!0' \
        curl_in "$cli" --ftp-pasv --disable-epsv --no-ftp-skip-pasv-ip "$(url ftp $S)"

    GOT=$blob LOG_RE='^Status:.*(10\.77\.3\.2.*10\.77\.4\.1|10\.77\.4\.1.*10\.77\.3\.2)' \
        check "B1 PASV (--no-epsv) works; log names 10.77.3.2 and 10.77.4.1" 0 \
        ferry_in "$cli" get "$(url ftp $S blob.bin)" "$blob" --mode passive --no-epsv \
        --on-exists overwrite
    MAX_SECS=$BOUND ERR_RE='data connection' \
        check "B2 PASV trusting the 227 address fails, bounded" '!0' \
        ferry_in "$cli" ls "$(url ftp $S)" --mode passive --no-epsv --trust-pasv-address
    GOT=$blob LOG_RE='^Command:[[:space:]]*EPSV' \
        check "B3 EPSV (plain passive) works" 0 \
        ferry_in "$cli" get "$(url ftp $S blob.bin)" "$blob" --mode passive --on-exists overwrite
    stop_server b
    ns_del b-cli b-rtr b-srv
}

# ---------------------------------------------------------------------------------------
# Lab C: firewalls, no NAT
#
#   client 10.77.5.2 ──────── 10.77.5.1 server
#   (INPUT: drops NEW, or open)   (INPUT: 21 and the passive range, or 21 only)
# ---------------------------------------------------------------------------------------

lab_c() {
    say "lab C: firewalls on the client and the server"
    local cli="$NSP-c-cli" srv="$NSP-c-srv"
    {
        ns_new c-cli && ns_new c-srv &&
            wire "$cli" eth0 10.77.5.2 "$srv" eth0 10.77.5.1 &&
            start_server c "$srv" 10.77.5.1
    } || { setup_failed "C: lab set-up"; return; }

    local S=10.77.5.1 blob="$TMP/dl/blob-c.bin"

    # C1: the server opens 21 and its passive range; the client drops inbound connections.
    { fw_server "$srv" open && fw_client "$cli" drop-inbound; } ||
        { setup_failed "C1: firewall set-up"; return; }
    OUT_RE='blob\.bin' check "C0 lab: curl passive works (C1 firewalls)" 0 \
        curl_in "$cli" --ftp-pasv "$(url ftp $S)"
    check "C0 lab: curl active fails (C1: client drops inbound)" '!0' \
        curl_in "$cli" -P - --disable-eprt "$(url ftp $S)"
    GOT=$blob check "C1a passive get works, sha256 matches" 0 \
        ferry_in "$cli" get "$(url ftp $S blob.bin)" "$blob" --mode passive --on-exists overwrite
    MAX_SECS=$BOUND ERR_RE='active mode' ERR_RE2='firewall|NAT' \
        check "C1b active fails, bounded, explains (firewall/NAT)" '!0' \
        ferry_in "$cli" ls "$(url ftp $S)" --mode active
    GOT=$blob check "C1c auto get works, sha256 matches" 0 \
        ferry_in "$cli" get "$(url ftp $S blob.bin)" "$blob" --mode auto --on-exists overwrite

    # C2: the server admits port 21 only (passive range closed); the client accepts inbound.
    { fw_server "$srv" closed && fw_client "$cli" open; } ||
        { setup_failed "C2: firewall set-up"; return; }
    check "C0 lab: curl passive fails (C2: passive range closed)" '!0' \
        curl_in "$cli" --ftp-pasv "$(url ftp $S)"
    OUT_RE='blob\.bin' check "C0 lab: curl active works (C2)" 0 \
        curl_in "$cli" -P - --disable-eprt "$(url ftp $S)"
    GOT=$blob LOG_RE='^Status:.*trying active mode' \
        check "C2a auto falls back to active, sha256 matches" 0 \
        ferry_in "$cli" get "$(url ftp $S blob.bin)" "$blob" --mode auto --on-exists overwrite
    MAX_SECS=$BOUND ERR_RE='passive mode' \
        check "C2b passive alone fails, bounded, says passive mode" '!0' \
        ferry_in "$cli" ls "$(url ftp $S)" --mode passive

    # C3: both closed: the passive range and the client's inbound.
    { fw_server "$srv" closed && fw_client "$cli" drop-inbound; } ||
        { setup_failed "C3: firewall set-up"; return; }
    MAX_SECS=$BOUND_AUTO ERR_RE='passive mode.*active mode|active mode.*passive mode' \
        ERR_RE2='NAT|firewall|port range' \
        check "C3 auto fails when both are closed, bounded, names both modes" '!0' \
        ferry_in "$cli" get "$(url ftp $S blob.bin)" "$blob" --mode auto --on-exists overwrite
    stop_server c
    ns_del c-cli c-srv
}

# ---------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------

main() {
    local t0=$SECONDS labs=${LABS:-A B C} lab
    TMP=$(mktemp -d /tmp/ferry-nat.XXXXXX) || exit 1
    ensure_tools || { echo "tests/nat/run.sh: could not install the lab's tools"; exit 1; }
    if ! build_ferry; then
        setup_failed "build ferry"
    else
        say "ferry: $("$FERRY" --version 2>&1 | head -n 1)"
        if ! make_fixtures; then
            setup_failed "lab fixtures (files, certificate)"
        else
            for lab in $labs; do
                case ${lab^^} in
                    A) lab_a ;;
                    B) lab_b ;;
                    C) lab_c ;;
                    *) say "unknown lab $lab (A, B or C)" ;;
                esac
            done
        fi
    fi
    teardown
    say "finished in $((SECONDS - t0)) s"
    if ((FAILED)); then
        say "failed: $(printf '%s; ' "${FAILED_NAMES[@]}")"
    fi
    echo "$PASSED passed, $FAILED failed"
    ((FAILED == 0))
}

main "$@"
