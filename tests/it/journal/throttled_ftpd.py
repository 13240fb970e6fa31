#!/usr/bin/env python3
"""A throttled pyftpdlib server for the journal's kill -9 test (tests/it/journal/kill.rs).

From the environment: FTP_USER, FTP_PASS, FTP_ROOT, FTP_LIMIT (bytes per second per data
connection, both ways), FTP_TRANSFERS (a file to append one line per transfer to:
`CMD NAME COMPLETED BYTES`). It listens on a free port of 127.0.0.1 and prints `PORT n`.
"""
import os
import sys

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler, ThrottledDTPHandler
from pyftpdlib.servers import FTPServer


class Dtp(ThrottledDTPHandler):
    read_limit = int(os.environ["FTP_LIMIT"])
    write_limit = int(os.environ["FTP_LIMIT"])


class Handler(FTPHandler):
    dtp_handler = Dtp

    def log_transfer(self, cmd, filename, receive, completed, elapsed, bytes):
        with open(os.environ["FTP_TRANSFERS"], "a") as out:
            out.write("%s %s %d %d\n" % (cmd, os.path.basename(filename), int(bool(completed)), bytes))
        super().log_transfer(cmd, filename, receive, completed, elapsed, bytes)


def main() -> int:
    authorizer = DummyAuthorizer()
    authorizer.add_user(os.environ["FTP_USER"], os.environ["FTP_PASS"], os.environ["FTP_ROOT"],
                        perm="elradfmwMT")
    Handler.authorizer = authorizer
    server = FTPServer(("127.0.0.1", 0), Handler)
    print("PORT %d" % server.address[1], flush=True)
    server.serve_forever(timeout=0.5, handle_exit=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
