#!/usr/bin/env bash
# servers.sh: start and stop real FTP servers on loopback for Ferry's interop tests.
#
# Why it exists: Ferry must work against the servers people actually run (vsftpd with
# its TLS session-reuse rule, pure-ftpd, proftpd) and against one we can bend (pyftpdlib).
# This script installs them if missing, runs each one unprivileged-port, loopback-only,
# in the background, and writes STATE_DIR/env with everything a test needs to connect.
#
#   servers.sh start SERVER STATE_DIR
#   servers.sh stop  SERVER STATE_DIR
#   SERVER: vsftpd | vsftpd-implicit | pure-ftpd | proftpd | pyftpdlib
#
# Every server listens on 127.0.0.1 and, unless IPV6=no or the host has no ::1, also on [::1]
# (same port number; vsftpd and pure-ftpd through a second process, see start_*).
#
# Needs root (installing packages, local user, servers switching users). See README.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly HERE
readonly CACHE=/var/cache/ferry-interop           # downloaded .debs, unpacked servers, venv
readonly ROOTS=/srv/ferry-interop                 # one FTP root per server, wiped on start
readonly RUNREG=/run/ferry-interop                # SERVER.state -> STATE_DIR, SERVER.pid: who runs
FTP_HOST=127.0.0.1
FTP_HOST6=::1                                     # the IPv6 listener, when IPv6 is on
FTP_USER=ferrytest
FTP_PASS='pa ss:w0rd!'                          # a space and punctuation, on purpose
readonly READY_TIMEOUT=10                         # seconds to wait for a banner
readonly STOP_TIMEOUT=5                           # seconds between TERM and KILL

# ---------------------------------------------------------------------------------------
# Generic helpers
# ---------------------------------------------------------------------------------------

log() { printf '[servers.sh] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Whether the servers also listen on [::1]: IPV6=yes|no|auto (default auto: yes when the
# loopback has ::1). With no, the env has no FTP_HOST6/FTP_PORT6.
want_ipv6() {
    case ${IPV6:-auto} in
        no) return 1 ;;
        yes) return 0 ;;
        auto)
            [[ $(cat /proc/sys/net/ipv6/conf/lo/disable_ipv6 2>/dev/null || echo 1) == 0 ]] &&
                ip -6 addr show dev lo 2>/dev/null | grep -q 'inet6 ::1/128'
            ;;
        *) die "IPV6 must be yes, no or auto" ;;
    esac
}

# A host for a URL: IPv6 literals in brackets.
url_host() {
    if [[ $1 == *:* ]]; then printf '[%s]' "$1"; else printf '%s' "$1"; fi
}

# Quote a value for a shell-sourceable file: bare if it is a plain token, else '...'.
shq() {
    if [[ $1 =~ ^[A-Za-z0-9_./:,=+-]*$ ]]; then
        printf '%s' "$1"
    else
        printf "'%s'" "${1//\'/\'\\\'\'}"
    fi
}

# apt-get install, never starting a service (no policy-rc.d of ours is left behind).
apt_install() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
            || missing+=("$p")
    done
    ((${#missing[@]})) || return 0
    log "apt-get install ${missing[*]}"
    local policy=/usr/sbin/policy-rc.d ours=0
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && ours=1
    fi
    local rc=0 out="$CACHE/apt.log"
    local install=(apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=120)
    DEBIAN_FRONTEND=noninteractive timeout 600 "${install[@]}" "${missing[@]}" >>"$out" 2>&1 || {
        timeout 300 apt-get update -q >>"$out" 2>&1 || true
        DEBIAN_FRONTEND=noninteractive timeout 600 "${install[@]}" "${missing[@]}" >>"$out" 2>&1 ||
            rc=$?
    }
    ((ours)) && rm -f "$policy"
    ((rc == 0)) || { tail -n 20 "$out" >&2; die "apt-get install ${missing[*]} failed"; }
}

# Download .debs with apt and unpack them into $CACHE/pkgroot-NAME (for servers that
# conflict with vsftpd: pure-ftpd, proftpd). Prints the unpacked root.
unpack_debs() {
    local name=$1; shift
    local dest="$CACHE/pkgroot-$name" debs="$CACHE/debs"
    if [[ ! -f $dest/.complete ]]; then
        log "downloading and unpacking $*"
        mkdir -p "$debs"
        rm -rf "$dest" && mkdir -p "$dest"
        (cd "$debs" && timeout 300 apt-get download "$@" >/dev/null 2>&1) || {
            timeout 300 apt-get update -q >/dev/null || true
            (cd "$debs" && timeout 300 apt-get download "$@" >/dev/null 2>&1)
        } || die "apt-get download $* failed"
        local p f
        for p in "$@"; do
            f=$(find "$debs" -maxdepth 1 -name "${p}_*.deb" -printf '%T@ %p\n' | sort -rn |
                head -n1 | cut -d' ' -f2-)
            [[ -n $f ]] || die "no .deb for $p in $debs"
            dpkg-deb -x "$f" "$dest"
        done
        touch "$dest/.complete"
    fi
    printf '%s\n' "$dest"
}

# The local account every server logs in (vsftpd/proftpd through PAM or /etc/shadow).
ensure_user() {
    if ! id "$FTP_USER" >/dev/null 2>&1; then
        log "creating local user $FTP_USER"
        useradd -m -s /bin/bash "$FTP_USER"
    fi
    printf '%s:%s\n' "$FTP_USER" "$FTP_PASS" | chpasswd
    # PAM (pam_shells, pam_listfile on /etc/ftpusers) and proftpd's RequireValidShell.
    local shell; shell=$(getent passwd "$FTP_USER" | cut -d: -f7)
    grep -qxF "$shell" /etc/shells || die "$FTP_USER's shell $shell is not in /etc/shells"
    if [[ -f /etc/ftpusers ]] && grep -qxF "$FTP_USER" /etc/ftpusers; then
        die "$FTP_USER is listed in /etc/ftpusers"
    fi
}

# A fresh, empty FTP root owned by the FTP user: $ROOTS/SERVER.
fresh_root() {
    local dir="$ROOTS/$1"
    [[ $dir == "$ROOTS"/?* && $dir != *..* ]] || die "refusing to wipe $dir"
    mkdir -p "$ROOTS" && chmod 755 "$ROOTS"
    rm -rf -- "$dir"
    mkdir -m 755 "$dir"
    chown "$FTP_USER:$FTP_USER" "$dir"
    printf '%s\n' "$dir"
}

# A new self-signed end-entity certificate on every start (rustls rejects a CA:TRUE cert
# used as a server cert). Writes STATE/cert.pem, key.pem, and certkey.pem (for pure-ftpd).
make_cert() {
    local state=$1
    (
        umask 077
        openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
            -subj '/CN=localhost' \
            -addext 'basicConstraints=critical,CA:FALSE' \
            -addext 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1' \
            -addext 'keyUsage=critical,digitalSignature,keyEncipherment' \
            -addext 'extendedKeyUsage=serverAuth' \
            -keyout "$state/key.pem" -out "$state/cert.pem" >/dev/null 2>&1 &&
            cat "$state/cert.pem" "$state/key.pem" >"$state/certkey.pem"
    ) || die "openssl could not create a certificate"
    chmod 644 "$state/cert.pem"
}

cert_sha256() {
    openssl x509 -in "$1/cert.pem" -noout -fingerprint -sha256 | cut -d= -f2
}

# write_env STATE PORT ROOT TLS PASV_RANGE ACTIVE [PORT6]
# With PORT6 (the server also listens on [::1]), FTP_HOST6 and FTP_PORT6 are added.
write_env() {
    local state=$1 port=$2 root=$3 tls=$4 pasv=$5 active=$6 port6=${7:-} fp=""
    [[ $tls == none ]] || fp=$(cert_sha256 "$state")
    {
        printf 'FTP_HOST=%s\n' "$(shq "$FTP_HOST")"
        printf 'FTP_PORT=%s\n' "$(shq "$port")"
        printf 'FTP_USER=%s\n' "$(shq "$FTP_USER")"
        printf 'FTP_PASS=%s\n' "$(shq "$FTP_PASS")"
        printf 'FTP_ROOT=%s\n' "$(shq "$root")"
        printf 'FTP_TLS=%s\n' "$(shq "$tls")"
        printf 'FTP_CERT_SHA256=%s\n' "$(shq "$fp")"
        printf 'FTP_PASV_RANGE=%s\n' "$(shq "$pasv")"
        printf 'FTP_ACTIVE=%s\n' "$(shq "$active")"
        if [[ -n $port6 ]]; then
            printf 'FTP_HOST6=%s\n' "$(shq "$FTP_HOST6")"
            printf 'FTP_PORT6=%s\n' "$(shq "$port6")"
        fi
    } >"$state/env.tmp"
    mv -f "$state/env.tmp" "$state/env"
}

port_in_use() {
    ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
}

# Start "$@" detached in its own session, output to STATE/NAME.out; its pid goes to
# STATE/NAME.pid and to the registry (so stop works even if STATE_DIR was deleted).
# Standard input is STATE/NAME.fd0, opened read-write: vsftpd writes "500 OOPS" there.
spawn() {
    local state=$1 name=$2; shift 2
    : >"$state/$name.fd0"
    setsid "$@" >"$state/$name.out" 2>&1 0<>"$state/$name.fd0" 9>&- &
    echo $! >"$state/$name.pid"
    echo $! >"$RUNREG/$name.pid"
}

# Read the first reply line from HOST:PORT (through TLS for implicit FTPS), or fail; bounded.
probe_banner() {
    local port=$1 mode=$2 host=${3:-$FTP_HOST}
    timeout 4 /usr/bin/python3 - "$port" "$mode" "$host" <<'PY'
import socket, ssl, sys
port, mode, host = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = socket.create_connection((host, port), timeout=3)
if mode == "implicit":
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    s = ctx.wrap_socket(s)
line = s.makefile("rb").readline().decode("latin-1").strip()
print(line)
sys.exit(0 if line.startswith("220") else 1)
PY
}

# Log in and list "/" with curl (password via a config on stdin, not argv); bounded.
check_login() {
    local port=$1 mode=$2 host=${3:-$FTP_HOST} extra=() url
    url="ftp://$(url_host "$host"):$port/"
    [[ $mode == implicit ]] && { url="ftps://$(url_host "$host"):$port/"; extra=(-k); }
    local pass=${FTP_PASS//\\/\\\\}; pass=${pass//\"/\\\"}
    printf 'user = "%s:%s"\n' "$FTP_USER" "$pass" |
        curl -sS -g --max-time 8 --ftp-pasv --ftp-skip-pasv-ip "${extra[@]}" -K - -o /dev/null "$url"
}

show_output() {
    tail -n 20 "$1/$2.out" "$1/$2.fd0" >&2 2>/dev/null || true
}

# Wait until the server in STATE/NAME.pid answers on HOST:PORT and accepts our login.
wait_ready() {
    local state=$1 name=$2 port=$3 mode=$4 host=${5:-$FTP_HOST} pid deadline banner
    pid=$(<"$state/$name.pid")
    deadline=$((SECONDS + READY_TIMEOUT))
    while :; do
        if ! kill -0 "$pid" 2>/dev/null; then
            log "$name exited during start-up; last output:"
            show_output "$state" "$name"
            die "$name did not start"
        fi
        if banner=$(probe_banner "$port" "$mode" "$host" 2>/dev/null); then break; fi
        ((SECONDS < deadline)) || {
            show_output "$state" "$name"
            die "$name did not answer on $(url_host "$host"):$port within ${READY_TIMEOUT}s"
        }
        sleep 0.2
    done
    log "$name on $(url_host "$host"):$port: $banner"
    check_login "$port" "$mode" "$host" || {
        show_output "$state" "$name"
        die "$name answers but login as $FTP_USER failed"
    }
}

# Executable names a server's processes may have; used so that stop only ends our servers.
server_exes() {
    case ${1%-v6} in
        vsftpd | vsftpd-implicit) echo vsftpd ;;
        pure-ftpd) echo pure-ftpd ;;
        proftpd) echo proftpd ;;
        pyftpdlib) echo 'python3 python3.11 python3.12 python3.13' ;;
    esac
}

# PID itself, its descendants and its process group, keeping only processes whose executable
# is one of EXES: the server and the per-session children it forked (some call setsid).
server_pids() {
    local pid=$1 exes=$2 p exe
    {
        ps -eo pid=,ppid= | awk -v root="$pid" '
            { parent[$1] = $2 }
            END {
                want[root] = 1; changed = 1
                while (changed) {
                    changed = 0
                    for (p in parent) if (!(p in want) && (parent[p] in want)) { want[p] = 1; changed = 1 }
                }
                for (p in want) print p
            }'
        pgrep -g "$pid" 2>/dev/null || true
    } | sort -un | while read -r p; do
        exe=$(readlink "/proc/$p/exe" 2>/dev/null || true)
        exe=${exe% (deleted)}
        [[ -n $exe && " $exes " == *" ${exe##*/} "* ]] && printf '%s\n' "$p"
        true
    done
}

# Those of PIDS that still run EXES.
alive_pids() {
    local exes=$1 p exe; shift
    for p in "$@"; do
        exe=$(readlink "/proc/$p/exe" 2>/dev/null || true)
        exe=${exe% (deleted)}
        [[ -n $exe && " $exes " == *" ${exe##*/} "* ]] && printf '%s\n' "$p"
    done
    return 0
}

# Stop SERVER whose pid is in PIDFILE (and its session children): TERM, KILL after STOP_TIMEOUT.
stop_pidfile() {
    local pidfile=$1 server=$2 pid exes deadline
    local -a pids left
    [[ -f $pidfile ]] || return 0
    pid=$(<"$pidfile")
    if [[ $pid =~ ^[0-9]+$ ]]; then
        exes=$(server_exes "$server")
        mapfile -t pids < <(server_pids "$pid" "$exes")
        if ((${#pids[@]})); then
            kill -TERM "${pids[@]}" 2>/dev/null || true
            deadline=$((SECONDS + STOP_TIMEOUT))
            while :; do
                mapfile -t left < <(alive_pids "$exes" "${pids[@]}")
                ((${#left[@]} && SECONDS < deadline)) || break
                sleep 0.1
            done
            if ((${#left[@]})); then
                log "$server: SIGKILL ${left[*]}"
                kill -KILL "${left[@]}" 2>/dev/null || true
            fi
        fi
    fi
    rm -f "$pidfile"
}

# ---------------------------------------------------------------------------------------
# vsftpd (explicit FTPS on 2121, implicit FTPS on 2990)
# ---------------------------------------------------------------------------------------

install_vsftpd() {
    command -v vsftpd >/dev/null || apt_install vsftpd
    apt_install openssl curl
    mkdir -p /var/run/vsftpd/empty
}

# vsftpd_conf STATE PORT ROOT PASV_LO PASV_HI IMPLICIT(YES|NO) NAME [ipv6]
# vsftpd listens on one family per process (`listen` and `listen_ipv6` exclude each other, and
# `listen_ipv6` on :: would also take IPv4 from everywhere): [::1] is a second process, NAME-v6.
vsftpd_conf() {
    local state=$1 port=$2 root=$3 lo=$4 hi=$5 implicit=$6 name=$7 family=${8:-ipv4} listen
    if [[ $family == ipv6 ]]; then
        listen="listen=NO
listen_ipv6=YES
listen_address6=$FTP_HOST6"
    else
        listen="listen=YES
listen_ipv6=NO
listen_address=$FTP_HOST"
    fi
    cat <<EOF
# Generated by tests/interop/servers.sh for $name.
$listen
listen_port=$port
background=NO
anonymous_enable=NO
local_enable=YES
write_enable=YES
local_umask=022
file_open_mode=0644
local_root=$root
chroot_local_user=YES
allow_writeable_chroot=YES
pam_service_name=vsftpd
secure_chroot_dir=/var/run/vsftpd/empty
seccomp_sandbox=NO
utf8_filesystem=YES
ls_recurse_enable=NO
use_localtime=NO
pasv_enable=YES
pasv_min_port=$lo
pasv_max_port=$hi
port_enable=YES
connect_from_port_20=NO
xferlog_enable=YES
log_ftp_protocol=YES
vsftpd_log_file=$state/$name.log
ssl_enable=YES
implicit_ssl=$implicit
rsa_cert_file=$state/cert.pem
rsa_private_key_file=$state/key.pem
require_ssl_reuse=YES
allow_anon_ssl=NO
force_local_logins_ssl=NO
force_local_data_ssl=NO
ssl_sslv2=NO
ssl_sslv3=NO
ssl_tlsv1=${VSFTPD_TLSV1:-NO}
EOF
}

start_vsftpd_instance() {
    local name=$1 state=$2 port=$3 lo=$4 hi=$5 implicit=$6 tls=$7 root
    [[ ${VSFTPD_TLSV1:-NO} =~ ^(YES|NO)$ ]] || die "VSFTPD_TLSV1 must be YES or NO"
    install_vsftpd
    ensure_user
    make_cert "$state"
    root=$(fresh_root "$name")
    vsftpd_conf "$state" "$port" "$root" "$lo" "$hi" "$implicit" "$name" >"$state/$name.conf"
    : >"$state/$name.log"
    spawn "$state" "$name" vsftpd "$state/$name.conf"
    wait_ready "$state" "$name" "$port" "$tls"
    local port6=""
    if want_ipv6; then
        # Same root, certificate and passive range; its own config, log and pid.
        vsftpd_conf "$state" "$port" "$root" "$lo" "$hi" "$implicit" "$name-v6" ipv6 \
            >"$state/$name-v6.conf"
        : >"$state/$name-v6.log"
        spawn "$state" "$name-v6" vsftpd "$state/$name-v6.conf"
        wait_ready "$state" "$name-v6" "$port" "$tls" "$FTP_HOST6"
        port6=$port
    fi
    write_env "$state" "$port" "$root" "$tls" "$lo-$hi" yes "$port6"
}

start_vsftpd() { start_vsftpd_instance vsftpd "$1" 2121 30000 30099 NO explicit; }
start_vsftpd_implicit() { start_vsftpd_instance vsftpd-implicit "$1" 2990 30100 30199 YES implicit; }

# ---------------------------------------------------------------------------------------
# pure-ftpd (explicit FTPS on 2131), a virtual user mapped to the local account
# ---------------------------------------------------------------------------------------

PUREFTPD_ROOT=""
install_pureftpd() {
    apt_install libsodium23 libcap2 libssl3 openssl curl
    PUREFTPD_ROOT=$(unpack_debs pure-ftpd pure-ftpd pure-ftpd-common)
}

start_pureftpd() {
    local state=$1 name=pure-ftpd port=2131 lo=30200 hi=30299 root
    install_pureftpd
    ensure_user
    make_cert "$state"
    root=$(fresh_root "$name")
    # A PureDB virtual user: same name and password, runs as the local account, chrooted
    # into its own root ("/./" in the home). The hash is SHA-512 crypt: `pure-pw` would
    # use argon2id with a cost that makes every login take ~4 s on 2 cores.
    local uid gid hash
    uid=$(id -u "$FTP_USER"); gid=$(id -g "$FTP_USER")
    hash=$(printf '%s\n' "$FTP_PASS" | openssl passwd -6 -stdin)
    rm -f "$state/pureftpd.passwd" "$state/pureftpd.pdb"
    printf '%s:%s:%s:%s::%s/./::::::::::::\n' "$FTP_USER" "$hash" "$uid" "$gid" "$root" \
        >"$state/pureftpd.passwd"
    chmod 600 "$state/pureftpd.passwd"
    "$PUREFTPD_ROOT/usr/bin/pure-pw" mkdb "$state/pureftpd.pdb" -f "$state/pureftpd.passwd"
    # -Y 1: plain and TLS on one port; -E: no anonymous; -H: no DNS; -4: IPv4 only.
    spawn "$state" "$name" "$PUREFTPD_ROOT/usr/sbin/pure-ftpd" \
        -S "$FTP_HOST,$port" -4 -l "puredb:$state/pureftpd.pdb" -E -H \
        -p "$lo:$hi" -Y 1 -2 "$state/certkey.pem" -U 133:022 \
        -g "$state/pure-ftpd.server.pid" -O "clf:$state/pure-ftpd.xfer.log"
    wait_ready "$state" "$name" "$port" explicit
    local port6=""
    if want_ipv6; then
        # -S takes one address (both families only for a name resolving to both, and
        # "localhost" is IPv4-only here): [::1] is a second process, -6 for IPv6 only.
        spawn "$state" "$name-v6" "$PUREFTPD_ROOT/usr/sbin/pure-ftpd" \
            -S "$FTP_HOST6,$port" -6 -l "puredb:$state/pureftpd.pdb" -E -H \
            -p "$lo:$hi" -Y 1 -2 "$state/certkey.pem" -U 133:022 \
            -g "$state/pure-ftpd-v6.server.pid" -O "clf:$state/pure-ftpd-v6.xfer.log"
        wait_ready "$state" "$name-v6" "$port" explicit "$FTP_HOST6"
        port6=$port
    fi
    write_env "$state" "$port" "$root" explicit "$lo-$hi" yes "$port6"
}

# ---------------------------------------------------------------------------------------
# proftpd (explicit FTPS on 2141), local account via /etc/passwd + /etc/shadow
# ---------------------------------------------------------------------------------------

PROFTPD_ROOT=""
install_proftpd() {
    apt_install libsodium23 libhiredis0.14 libmemcached11 libmemcachedutil2 libpcre2-posix3 \
        libidn2-0 libacl1 libcap2 libssl3 libncursesw6 openssl curl
    PROFTPD_ROOT=$(unpack_debs proftpd proftpd-core proftpd-mod-crypto)
}

# proftpd_conf STATE PORT ROOT PASV_LO PASV_HI [ipv6]: with ipv6, one process binds both
# 127.0.0.1 and [::1] (DefaultAddress takes several addresses; SocketBindTight binds each).
proftpd_conf() {
    local state=$1 port=$2 root=$3 lo=$4 hi=$5 family=${6:-ipv4} addresses=$FTP_HOST ipv6=off
    [[ $family == ipv6 ]] && { addresses="$FTP_HOST $FTP_HOST6"; ipv6=on; }
    cat <<EOF
# Generated by tests/interop/servers.sh for proftpd.
ServerType              standalone
ServerName              "Ferry interop proftpd"
DefaultAddress          $addresses
SocketBindTight         on
Port                    $port
UseIPv6                 $ipv6
User                    nobody
Group                   nogroup
PidFile                 $state/proftpd.server.pid
ScoreboardFile          $state/proftpd.scoreboard
ModulePath              $PROFTPD_ROOT/usr/lib/proftpd
<IfModule mod_dso.c>
  LoadModule mod_tls.c
</IfModule>
AuthPAM                 off
AuthOrder               mod_auth_unix.c
UseReverseDNS           off
WtmpLog                 off
DelayEngine             off
MaxInstances            32
DefaultRoot             $root
AllowOverwrite          on
Umask                   022
PassivePorts            $lo $hi
TimeoutIdle             600
SystemLog               $state/proftpd.log
TransferLog             $state/proftpd.xfer.log
<IfModule mod_tls.c>
  TLSEngine                on
  TLSLog                   $state/proftpd.tls.log
  TLSProtocol              TLSv1.2 TLSv1.3
  TLSRSACertificateFile    $state/cert.pem
  TLSRSACertificateKeyFile $state/key.pem
  TLSRequired              off
  TLSVerifyClient          off
</IfModule>
EOF
}

start_proftpd() {
    local state=$1 name=proftpd port=2141 lo=30300 hi=30399 root
    install_proftpd
    ensure_user
    make_cert "$state"
    root=$(fresh_root "$name")
    local family=ipv4 port6=""
    want_ipv6 && { family=ipv6; port6=$port; }
    proftpd_conf "$state" "$port" "$root" "$lo" "$hi" "$family" >"$state/proftpd.conf"
    "$PROFTPD_ROOT/usr/sbin/proftpd" -t -c "$state/proftpd.conf" >"$state/proftpd.out" 2>&1 || {
        cat "$state/proftpd.out" >&2
        die "proftpd rejected its configuration"
    }
    spawn "$state" "$name" "$PROFTPD_ROOT/usr/sbin/proftpd" -n -c "$state/proftpd.conf"
    wait_ready "$state" "$name" "$port" explicit
    [[ -z $port6 ]] || wait_ready "$state" "$name" "$port6" explicit "$FTP_HOST6"
    write_env "$state" "$port" "$root" explicit "$lo-$hi" yes "$port6"
}

# ---------------------------------------------------------------------------------------
# pyftpdlib (explicit FTPS on 2151), virtual user, MASQUERADE=IP fakes a NATed server
# ---------------------------------------------------------------------------------------

readonly VENV="$CACHE/venv"
install_pyftpdlib() {
    apt_install python3 python3-venv openssl curl
    if ! "$VENV/bin/python3" -c 'import pyftpdlib, OpenSSL' >/dev/null 2>&1; then
        log "creating $VENV with pyftpdlib and pyOpenSSL"
        rm -rf "$VENV"
        /usr/bin/python3 -m venv "$VENV"
        timeout 300 "$VENV/bin/pip" install -q pyftpdlib pyopenssl >/dev/null \
            || die "pip install pyftpdlib pyopenssl failed"
    fi
    # pproxy: the SOCKS5 and HTTP CONNECT proxy of tests/it/proxy.rs (started by the test).
    "$VENV/bin/python3" -c 'import pproxy' >/dev/null 2>&1 \
        || timeout 300 "$VENV/bin/pip" install -q pproxy >/dev/null || die "pip install pproxy failed"
}

start_pyftpdlib() {
    local state=$1 name=pyftpdlib port=2151 lo=30400 hi=30499 root
    export FTP_USER FTP_PASS
    install_pyftpdlib
    ensure_user
    make_cert "$state"
    root=$(fresh_root "$name")
    # Configuration through the environment keeps the password out of `ps`.
    FTP_PORT=$port FTP_ROOT=$root FTP_CERT=$state/certkey.pem FTP_PASV_RANGE=$lo-$hi \
        RUN_AS=$FTP_USER MASQUERADE=${MASQUERADE:-} \
        spawn "$state" "$name" "$VENV/bin/python3" "$HERE/pyftpd_server.py"
    wait_ready "$state" "$name" "$port" explicit
    local port6=""
    # [::1]: a second process with FTP_BIND (same root, certificate and passive range; passive
    # sockets are bound on the control connection's address, so the two do not collide).
    if want_ipv6; then
        if grep -q FTP_BIND "$HERE/pyftpd_server.py"; then
            FTP_PORT=$port FTP_ROOT=$root FTP_CERT=$state/certkey.pem FTP_PASV_RANGE=$lo-$hi \
                RUN_AS=$FTP_USER MASQUERADE="" FTP_BIND=$FTP_HOST6 \
                spawn "$state" "$name-v6" "$VENV/bin/python3" "$HERE/pyftpd_server.py"
            wait_ready "$state" "$name-v6" "$port" explicit "$FTP_HOST6"
            port6=$port
        else
            log "pyftpd_server.py has no FTP_BIND: pyftpdlib gets no [::1] listener"
        fi
    fi
    write_env "$state" "$port" "$root" explicit "$lo-$hi" yes "$port6"
}

# ---------------------------------------------------------------------------------------
# Dispatch
# ---------------------------------------------------------------------------------------

server_port() {
    case $1 in
        vsftpd) echo 2121 ;; vsftpd-implicit) echo 2990 ;; pure-ftpd) echo 2131 ;;
        proftpd) echo 2141 ;; pyftpdlib) echo 2151 ;;
    esac
}

# Files this script may leave in STATE_DIR for SERVER (logs too, unless KEEP_LOGS=1).
state_files() {
    local s=$1 n
    printf '%s\n' env env.tmp cert.pem key.pem certkey.pem
    for n in "$s" "$s-v6"; do   # NAME-v6: the [::1] process of vsftpd and pure-ftpd
        printf '%s\n' "$n.pid" "$n.conf"
        [[ ${KEEP_LOGS:-0} == 1 ]] || printf '%s\n' "$n.out" "$n.fd0" "$n.log"
    done
    case $s in
        pure-ftpd) printf '%s\n' pureftpd.passwd pureftpd.pdb pure-ftpd.server.pid \
                       pure-ftpd-v6.server.pid
                   [[ ${KEEP_LOGS:-0} == 1 ]] || printf '%s\n' pure-ftpd.xfer.log \
                       pure-ftpd-v6.xfer.log ;;
        proftpd) printf '%s\n' proftpd.server.pid proftpd.scoreboard proftpd.scoreboard.lck
                 [[ ${KEEP_LOGS:-0} == 1 ]] || printf '%s\n' proftpd.xfer.log proftpd.tls.log ;;
    esac
}

cmd_stop() {
    local server=$1 state=$2 owner="" f
    [[ -L $RUNREG/$server.state ]] && owner=$(readlink "$RUNREG/$server.state")
    if [[ -z $owner || $owner == "$state" ]]; then
        # This STATE_DIR owns the running instance (or none runs): stop it (and its [::1]
        # process, SERVER-v6, if it has one), free its root.
        stop_pidfile "$RUNREG/$server.pid" "$server"
        stop_pidfile "$state/$server.pid" "$server"
        stop_pidfile "$RUNREG/$server-v6.pid" "$server-v6"
        stop_pidfile "$state/$server-v6.pid" "$server-v6"
        rm -rf -- "${ROOTS:?}/$server"
        rm -f "$RUNREG/$server.state" "$RUNREG/$server.pid" "$RUNREG/$server-v6.pid"
    else
        log "$server runs from $owner, not $state: leaving it alone"
    fi
    if [[ -d $state ]]; then
        while read -r f; do rm -f -- "${state:?}/$f"; done < <(state_files "$server")
    fi
    return 0
}

# If start fails half-way, stop what was started (keeping its logs for diagnosis).
STARTING=()
on_exit() {
    local rc=$?
    if ((rc != 0 && ${#STARTING[@]})); then
        log "start failed; cleaning up (logs kept in ${STARTING[1]})"
        KEEP_LOGS=1 cmd_stop "${STARTING[@]}" || true
    fi
}

cmd_start() {
    local server=$1 state=$2 port prev
    mkdir -p "$state" "$RUNREG"
    # An earlier instance of this server (from this or another STATE_DIR) goes first.
    if [[ -L $RUNREG/$server.state ]]; then
        prev=$(readlink "$RUNREG/$server.state")
        [[ $prev == "$state" ]] || log "stopping $server started from $prev"
        cmd_stop "$server" "$prev"
    fi
    cmd_stop "$server" "$state"
    port=$(server_port "$server")
    if port_in_use "$port"; then
        ss -Hltnp "sport = :$port" >&2 || true
        die "port $port is taken by a process this script did not start"
    fi
    ln -sfn "$state" "$RUNREG/$server.state"
    STARTING=("$server" "$state")
    trap on_exit EXIT
    case $server in
        vsftpd) start_vsftpd "$state" ;;
        vsftpd-implicit) start_vsftpd_implicit "$state" ;;
        pure-ftpd) start_pureftpd "$state" ;;
        proftpd) start_proftpd "$state" ;;
        pyftpdlib) start_pyftpdlib "$state" ;;
    esac
    STARTING=()
    log "$server ready; environment in $state/env"
}

usage() {
    cat >&2 <<EOF
usage: $0 start|stop SERVER STATE_DIR
       $0 prepare-python     (the venv with pyftpdlib and pproxy, for tests that start their own)
SERVER: vsftpd | vsftpd-implicit | pure-ftpd | proftpd | pyftpdlib
EOF
    exit 2
}

main() {
    if [[ ${1:-} == prepare-python && $# == 1 ]]; then
        [[ $(id -u) == 0 ]] || die "run as root (installs packages)"
        mkdir -p "$CACHE"
        exec 9>"$CACHE/.lock"
        flock -w 120 9 || die "another servers.sh still holds $CACHE/.lock after 120 s"
        install_pyftpdlib
        return
    fi
    (($# == 3)) || usage
    local action=$1 server=$2 state
    state=$(realpath -m -- "$3")
    case $server in vsftpd | vsftpd-implicit | pure-ftpd | proftpd | pyftpdlib) ;; *) usage ;; esac
    [[ $(id -u) == 0 ]] || die "run as root (installs packages, creates $FTP_USER, kills servers)"
    # One servers.sh at a time: installing packages and creating the user are not
    # parallel-safe. spawn closes fd 9, so a running server does not hold the lock.
    mkdir -p "$CACHE"
    exec 9>"$CACHE/.lock"
    flock -w 120 9 || die "another servers.sh still holds $CACHE/.lock after 120 s"
    case $action in
        start) cmd_start "$server" "$state" ;;
        stop) cmd_stop "$server" "$state" ;;
        *) usage ;;
    esac
}

main "$@"
