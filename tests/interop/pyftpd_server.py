#!/usr/bin/env python3
"""A tiny pyftpdlib server for Ferry's interop tests (started by servers.sh).

Why it exists: pyftpdlib is the one server here whose behaviour we can bend
(MASQUERADE fakes a server behind NAT that announces a foreign address in 227).

Configuration comes from the environment, so the password never shows in `ps`:
  FTP_PORT, FTP_USER, FTP_PASS, FTP_ROOT, FTP_CERT (cert+key PEM), FTP_PASV_RANGE (lo-hi),
  RUN_AS (a local user to drop to after binding; optional), MASQUERADE (optional IPv4),
  FTP_BIND (the address to listen on; optional, default 127.0.0.1: tests/nat/run.sh binds
  an address inside its network namespaces).
It offers explicit FTPS (AUTH TLS) on the same port as plain FTP.
"""
import logging
import os
import pwd
import sys

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import TLS_FTPHandler
from pyftpdlib.servers import FTPServer


def main() -> int:
    port = int(os.environ["FTP_PORT"])
    user = os.environ["FTP_USER"]
    password = os.environ["FTP_PASS"]
    root = os.environ["FTP_ROOT"]
    lo, hi = (int(p) for p in os.environ["FTP_PASV_RANGE"].split("-"))

    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(message)s")

    authorizer = DummyAuthorizer()
    authorizer.add_user(user, password, root, perm="elradfmwMT")

    handler = TLS_FTPHandler
    handler.authorizer = authorizer
    handler.certfile = os.environ["FTP_CERT"]
    handler.tls_control_required = False
    handler.tls_data_required = False
    handler.passive_ports = list(range(lo, hi + 1))
    handler.permit_foreign_addresses = False
    handler.banner = "pyftpdlib ready (Ferry interop)"
    masquerade = os.environ.get("MASQUERADE", "").strip()
    if masquerade:
        handler.masquerade_address = masquerade
    # Load the certificate now, while we may still read it as root.
    handler.get_ssl_context()

    bind = os.environ.get("FTP_BIND", "").strip() or "127.0.0.1"
    server = FTPServer((bind, port), handler)
    server.max_cons = 64

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
