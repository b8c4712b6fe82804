#!/usr/bin/env python3
"""Hostile and odd clients for the CTL Provider port, for the fault tests.

    rawclient.py CASE HOST PORT CAFILE [PASSWORD-FILE]

Each CASE connects to 127.0.0.x only, does one odd thing, and prints what
the server did: "closed", "error N: message", "ok", or "refused".  Exit 0
when the server behaved as docs/protocol.md says.

Case "upload" logs in and sends UPLOAD_CTL with the file named by
$RAW_FILE, BASE_SHA1 $RAW_BASE (40 hex digits, or empty for none) and,
when $RAW_FORCE is set, FORCE with that reason, as a client that skips
the preflight would; it prints the answer and exits 0 when one came.
"""
import os
import warnings
import socket
import ssl
import struct
import time
import sys

# TLS 1.0/1.1 are deprecated, which is the point of asking for them.
warnings.simplefilter("ignore", DeprecationWarning)

case, host, port, cafile = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
pwfile = sys.argv[5] if len(sys.argv) > 5 else None


def frame(ftype, fields, rid=1, version=1, length=None):
    payload = b"".join(struct.pack(">HI", t, len(v)) + v for t, v in fields)
    n = len(payload) if length is None else length
    return b"CTLP" + struct.pack(">BBHII", version, ftype, 0, rid, n) + payload


def tls(src=None, maxver=None):
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.check_hostname = False
    if maxver:
        ctx.minimum_version = ssl.TLSVersion.TLSv1
        ctx.maximum_version = maxver
        ctx.set_ciphers("ALL:@SECLEVEL=0")
    raw = socket.create_connection((host, port), timeout=10,
                                   source_address=(src, 0) if src else None)
    return ctx.wrap_socket(raw)


def answer(s):
    head = b""
    while len(head) < 16:
        chunk = s.recv(16 - len(head))
        if not chunk:
            return "closed"
        head += chunk
    magic, ver, ftype, _, rid, n = struct.unpack(">4sBBHII", head)
    body = b""
    while len(body) < n:
        chunk = s.recv(n - len(body))
        if not chunk:
            return "closed"
        body += chunk
    if ftype == 0x80:
        return "ok"
    fields, off = {}, 0
    while off < len(body):
        t, ln = struct.unpack(">HI", body[off:off + 6])
        fields[t] = body[off + 6:off + 6 + ln]
        off += 6 + ln
    code = struct.unpack(">I", fields.get(12, b"\0\0\0\0"))[0]
    return f"error {code}: {fields.get(11, b'').decode()}"


def then_closed(s):
    try:
        return s.recv(1) == b""
    except (ConnectionError, ssl.SSLError, socket.timeout):
        return True


def login(s, user="admin", password=None):
    if password is None:
        password = open(pwfile).read().strip()
    s.sendall(frame(0x01, [(1, user.encode()), (2, password.encode())]))
    return answer(s)


def main():
    if case == "plaintext":
        s = socket.create_connection((host, port), timeout=10)
        s.sendall(frame(0x02, []))
        try:
            data = s.recv(100)
        except ConnectionError:
            data = b""          # reset: closed all the same
        # TLS alert bytes or nothing, then the end: never a frame.
        print("closed" if not data.startswith(b"CTLP") else "answered")
        return not data.startswith(b"CTLP")
    if case == "tls11":
        try:
            tls(maxver=ssl.TLSVersion.TLSv1_1)
        except (ssl.SSLError, ConnectionError) as e:
            print("refused", type(e).__name__)
            return True
        print("accepted")
        return False
    if case == "oversized":
        s = tls()
        s.sendall(frame(0x02, [], length=0x7F000000))
        a = answer(s)
        print(a)
        return a.startswith("error 1:") and then_closed(s)
    if case == "truncated":
        s = tls()
        s.sendall(frame(0x01, [(1, b"admin")])[:-3])
        s.shutdown(socket.SHUT_WR)
        print("closed" if then_closed(s) else "open")
        return True
    if case == "garbage":
        s = tls()
        s.sendall(os.urandom(64))
        a = answer(s)
        print(a)
        return a.startswith("error 1:") and then_closed(s)
    if case == "bad-fields":
        s = tls()
        s.sendall(frame(0x01, [(99, b"x")]))
        a = answer(s)
        print(a)
        return a.startswith("error 1:") and then_closed(s)
    if case == "before-login":
        s = tls()
        s.sendall(frame(0x03, []))
        a = answer(s)
        print(a)
        return a.startswith("error 3:")
    if case == "unknown-type":
        s = tls()
        assert login(s) == "ok"
        s.sendall(frame(0x55, [], rid=2))
        a = answer(s)
        s.sendall(frame(0x02, [], rid=3))
        b = answer(s)
        print(a, "/ then", b)
        return a.startswith("error 2:") and b == "ok"
    if case == "max-conns":
        # PUB_MAX_PER_ADDR connections held open from one address: the
        # next one from it is turned away, another address is served;
        # once they close, that address is served again.
        src = "127.0.0.98"
        held = [tls(src=src) for _ in range(8)]
        try:
            extra = tls(src=src)
            extra.sendall(frame(0x02, []))
            turned_away = answer(extra) == "closed"
        except (ssl.SSLError, ConnectionError, socket.timeout):
            turned_away = True
        other = tls()
        other_ok = login(other) == "ok"
        other.close()
        for h in held:
            h.close()
        time.sleep(0.5)
        s = tls(src=src)
        ok = login(s) == "ok"
        print(f"9th from one address {'turned away' if turned_away else 'served'}; "
              f"another address {'served' if other_ok else 'refused'}; "
              f"afterwards {'served' if ok else 'refused'}")
        return turned_away and other_ok and ok
    if case == "idle":
        s = tls()
        assert login(s) == "ok"
        s.settimeout(45)
        t = time.time()
        closed = then_closed(s)
        waited = time.time() - t
        print(f"closed after {waited:.0f} s of silence")
        return closed and 25 <= waited <= 40
    if case == "brute-force":
        # From another source address, so the real clients stay welcome.
        results = []
        for i in range(7):
            s = tls(src="127.0.0.99")
            results.append(login(s, password=f"wrong{i}"))
            s.close()
        print(" | ".join(results))
        return (all(r.startswith("error 4:") for r in results[:5]) and
                all(r.startswith("error 5:") for r in results[5:]))
    if case == "upload":
        s = tls()
        if login(s) != "ok":
            print("login failed")
            return False
        fields = [(3, open(os.environ["RAW_FILE"], "rb").read()),
                  (5, bytes.fromhex(os.environ.get("RAW_BASE", "")))]
        if "RAW_FORCE" in os.environ:
            fields.append((34, os.environ["RAW_FORCE"].encode()))
        s.sendall(frame(0x04, fields))
        a = answer(s)
        print(a)
        return a != "closed"
    raise SystemExit(f"unknown case {case}")


sys.exit(0 if main() else 1)
