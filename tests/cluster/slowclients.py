#!/usr/bin/env python3
"""Slow and trickling clients that try to hold a node's TLS ports.

    slowclients.py SECONDS REPORT SOURCES TARGET...

Opens connections from the loopback addresses SOURCES (comma-separated,
127.0.0.x only) to each TARGET (HOST:PORT, 127.0.0.x only), as many as
the table below says, and holds them for SECONDS: a connection the server
closes is opened again after a second.  The kinds:

    silent     connects and sends nothing
    plain      sends one byte of a (fake) TLS record header every 3 s
    handshake  sends one byte of a real ClientHello every 3 s
    trickle    completes TLS, then one byte of a frame header every 3 s

REPORT gets one line per kind: the kind, how many connections were made
and the longest time (s) the server kept one open; a connection still
open at the end counts as held for SECONDS.  Bounded: at most SECONDS of
holding and one connection per slot per second.
"""
import socket
import ssl
import sys
import threading
import time

seconds = float(sys.argv[1])
report = sys.argv[2]
sources = sys.argv[3].split(",")
targets = [(t.rsplit(":", 1)[0], int(t.rsplit(":", 1)[1])) for t in sys.argv[4:]]
for h in sources + [t[0] for t in targets]:
    assert h.startswith("127."), h

KINDS = {"silent": 30, "plain": 15, "handshake": 15, "trickle": 40}  # per target
GAP = 3.0
end = time.monotonic() + seconds
lock = threading.Lock()
stats = {k: [0, 0.0] for k in KINDS}


def tls_ctx():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def client_hello():
    out = ssl.MemoryBIO()
    obj = tls_ctx().wrap_bio(ssl.MemoryBIO(), out)
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return out.read()


HELLO = client_hello()
FRAME_HEAD = b"CTLP\x01\x01\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00"


def trickle(sock, data):
    """Sends DATA one byte every GAP s until the end or the server closes."""
    i = 0
    sock.settimeout(GAP)
    while time.monotonic() < end:
        try:
            if sock.recv(1) == b"":
                return False
        except (socket.timeout, ssl.SSLWantReadError):
            pass
        except (OSError, ssl.SSLError):
            return False
        if i < len(data):
            try:
                sock.send(data[i:i + 1])
            except (OSError, ssl.SSLError):
                return False
            i += 1
    return True


def one(kind, src, host, port):
    raw = socket.socket()
    raw.bind((src, 0))
    raw.settimeout(5)
    try:
        raw.connect((host, port))
    except OSError:
        raw.close()
        return None
    start = time.monotonic()
    sock = raw
    try:
        if kind == "silent":
            trickle(raw, b"")
        elif kind == "plain":
            trickle(raw, b"\x16\x03\x01\x10\x00" + b"\x00" * 64)
        elif kind == "handshake":
            trickle(raw, HELLO)
        else:
            try:
                sock = tls_ctx().wrap_socket(raw)
            except (OSError, ssl.SSLError):
                return time.monotonic() - start
            trickle(sock, FRAME_HEAD)
    finally:
        sock.close()
    return time.monotonic() - start


def slot(kind, src, host, port):
    while time.monotonic() < end:
        t0 = time.monotonic()
        held = one(kind, src, host, port)
        if held is not None:
            with lock:
                stats[kind][0] += 1
                stats[kind][1] = max(stats[kind][1], held)
        left = 1.0 - (time.monotonic() - t0)
        if left > 0:
            time.sleep(left)


threads = []
n = 0
for host, port in targets:
    for kind, count in KINDS.items():
        for _ in range(count):
            src = sources[n % len(sources)]
            n += 1
            t = threading.Thread(target=slot, args=(kind, src, host, port),
                                 daemon=True)
            t.start()
            threads.append(t)
for t in threads:
    t.join(seconds + 15)
with open(report, "w") as f:
    for kind, (count, held) in stats.items():
        f.write(f"{kind} {count} {held:.1f}\n")
