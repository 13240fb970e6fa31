#!/usr/bin/env python3
"""A tiny pyftpdlib server for Ferry's interop tests (started by servers.sh).

Why it exists: pyftpdlib is the one server here whose behaviour we can bend
(MASQUERADE fakes a server behind NAT that announces a foreign address in 227), and it serves
file hashes, which pyftpdlib does not: HASH with OPTS HASH (draft-bryan-ftp-hash) and the older
XSHA256, XSHA1 and XMD5, all announced in FEAT (see HashHandler).

Configuration comes from the environment, so the password never shows in `ps`:
  FTP_PORT (0: any free port, printed as "PORT n" on stdout once listening), FTP_USER,
  FTP_PASS, FTP_ROOT, FTP_CERT (cert+key PEM; optional: without it, plain FTP only),
  FTP_PASV_RANGE (lo-hi; optional: any port), RUN_AS (a local user to drop to after binding;
  optional), MASQUERADE (optional IPv4), FTP_BIND (the address to listen on; optional, default
  127.0.0.1: tests/nat/run.sh binds an address inside its network namespaces),
  FTP_HASH_LIE (optional: when set, every hash the server sends is wrong, for the tests that a
  mismatch fails a transfer).
With FTP_CERT it offers explicit FTPS (AUTH TLS) on the same port as plain FTP.
"""
import hashlib
import logging
import os
import pwd
import sys

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler, TLS_FTPHandler
from pyftpdlib.servers import FTPServer

# draft-bryan-ftp-hash's names, and the hashlib function of each.
ALGORITHMS = {"SHA-256": hashlib.sha256, "SHA-1": hashlib.sha1, "MD5": hashlib.md5}
# The older one-algorithm commands: verb -> algorithm.
X_COMMANDS = {"XSHA256": "SHA-256", "XSHA1": "SHA-1", "XMD5": "MD5"}


def with_hashes(base):
    """`base` (a pyftpdlib handler class) taught HASH, OPTS HASH and the X commands."""

    class HashHandler(base):
        proto_cmds = dict(base.proto_cmds)
        proto_cmds["HASH"] = dict(perm="r", auth=True, arg=True,
                                  help="Syntax: HASH <SP> file-name (the file's hash).")
        for verb in X_COMMANDS:
            proto_cmds[verb] = dict(perm="r", auth=True, arg=True,
                                    help=f"Syntax: {verb} <SP> file-name (the file's hash).")
        lie = bool(os.environ.get("FTP_HASH_LIE", "").strip())

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.hash_name = "SHA-256"
            offered = ";".join(n + ("*" if n == self.hash_name else "") for n in ALGORITHMS)
            self._extra_feats = list(self._extra_feats) + ["HASH " + offered, *X_COMMANDS]

        def ftp_OPTS(self, line):
            cmd, _, arg = line.strip().partition(" ")
            if cmd.upper() != "HASH":
                return super().ftp_OPTS(line)
            arg = arg.strip().upper()
            if not arg:
                self.respond("200 " + self.hash_name)
            elif arg in ALGORITHMS:
                self.hash_name = arg
                self.respond("200 " + arg)
            else:
                self.respond("501 Unknown algorithm, current selection not changed")

        def digest(self, path, name):
            """The file's hash in hex, or None after a 550 reply."""
            if not self.fs.isfile(self.fs.realpath(path)):
                self.respond("550 %s is not a file." % self.fs.fs2ftp(path))
                return None
            hasher = ALGORITHMS[name]()
            with open(path, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    hasher.update(block)
            digest = hasher.hexdigest()
            if self.lie:
                digest = ("1" if digest[0] == "0" else "0") + digest[1:]
            return digest

        def ftp_HASH(self, path):
            digest = self.digest(path, self.hash_name)
            if digest is not None:
                size = os.path.getsize(path)
                self.respond("213 %s 0-%d %s %s" % (self.hash_name, size, digest,
                                                    self.fs.fs2ftp(path)))

        def x_command(self, verb, path):
            digest = self.digest(path, X_COMMANDS[verb])
            if digest is not None:
                self.respond("250 " + digest)

        def ftp_XSHA256(self, path):
            self.x_command("XSHA256", path)

        def ftp_XSHA1(self, path):
            self.x_command("XSHA1", path)

        def ftp_XMD5(self, path):
            self.x_command("XMD5", path)

    return HashHandler


def main() -> int:
    port = int(os.environ["FTP_PORT"])
    user = os.environ["FTP_USER"]
    password = os.environ["FTP_PASS"]
    root = os.environ["FTP_ROOT"]
    cert = os.environ.get("FTP_CERT", "").strip()
    pasv = os.environ.get("FTP_PASV_RANGE", "").strip()

    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(message)s")

    authorizer = DummyAuthorizer()
    authorizer.add_user(user, password, root, perm="elradfmwMT")

    handler = with_hashes(TLS_FTPHandler if cert else FTPHandler)
    handler.authorizer = authorizer
    if cert:
        handler.certfile = cert
        handler.tls_control_required = False
        handler.tls_data_required = False
    if pasv:
        lo, hi = (int(p) for p in pasv.split("-"))
        handler.passive_ports = list(range(lo, hi + 1))
    handler.permit_foreign_addresses = False
    handler.banner = "pyftpdlib ready (Ferry interop)"
    masquerade = os.environ.get("MASQUERADE", "").strip()
    if masquerade:
        handler.masquerade_address = masquerade
    if cert:
        # Load the certificate now, while we may still read it as root.
        handler.get_ssl_context()

    bind = os.environ.get("FTP_BIND", "").strip() or "127.0.0.1"
    server = FTPServer((bind, port), handler)
    server.max_cons = 64
    if port == 0:
        print("PORT %d" % server.socket.getsockname()[1], flush=True)

    run_as = os.environ.get("RUN_AS", "").strip()
    if run_as and os.geteuid() == 0:
        pw = pwd.getpwnam(run_as)
        os.setgroups([])
        os.setgid(pw.pw_gid)
        os.setuid(pw.pw_uid)

    server.serve_forever(timeout=1.0, handle_exit=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
