#!/usr/bin/env python3
"""A broken Trust Verification Service for the rehearsal tests.

    badtvs.py MODE PORTFILE [CERT KEY]

MODE down:    binds a free port on 127.0.0.1, closes it (connections are
              refused), writes the port and exits.
MODE slow:    TLS with CERT/KEY (TLS 1.0 to 1.2, as the phones speak),
              reads the request and never answers.
MODE garbage: TLS as above, reads the request and answers bytes that are
              no TVS message.
The port goes to PORTFILE once the server listens.
"""
import socket
import socketserver
import ssl
import sys
import threading
import time

mode, portfile = sys.argv[1], sys.argv[2]


def write_port(port):
    with open(portfile + ".tmp", "w") as f:
        f.write(f"{port}\n")
    import os
    os.rename(portfile + ".tmp", portfile)


if mode == "down":
    # Below the ephemeral range: a connection to a closed ephemeral port
    # can meet itself (TCP simultaneous open) and not be refused.
    import random
    for _ in range(200):
        port = random.randrange(20000, 32000)
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            s.close()
        break
    write_port(port)
    sys.exit(0)

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.minimum_version = ssl.TLSVersion.TLSv1
ctx.maximum_version = ssl.TLSVersion.TLSv1_2
ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
ctx.load_cert_chain(sys.argv[3], sys.argv[4])
stop = threading.Event()


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.settimeout(30)
        try:
            tls = ctx.wrap_socket(self.request, server_side=True)
            tls.recv(16384)
            if mode == "garbage":
                tls.sendall(b"HTTP/1.0 200 OK\r\n\r\nnot a TVS answer")
                time.sleep(0.2)
            else:
                stop.wait(60)   # slow: the phone must give up first
        except (OSError, ssl.SSLError):
            pass


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024


srv = Server(("127.0.0.1", 0), Handler)
write_port(srv.server_address[1])
srv.serve_forever()
