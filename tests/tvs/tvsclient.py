#!/usr/bin/env python3
"""A small TVS client for the tests (docs/tvs.md), and hostile variants.

    tvsclient.py HOST PORT CASE [ARG...] [--tls1] [--device NAME]

CASE is one of:
  verify CERT...   one connection, one verify request per CERT (PEM or
                   DER), answered in order; prints one line per answer:
                   "valid ROLE,ROLE ttl N" or "invalid"
  query CERT       the same with a query request
  servercert       prints the SHA1 of the certificate the server presents
  handshake        only the TLS handshake: prints "ok" or "refused: ..."
  hold CERT FLAG   connects, prints the server certificate's SHA1, waits
                   for file FLAG, then asks about CERT on that connection
  flood N          N plain connections at once: prints how many the
                   server closed at once
  tickets CERT     for TLS 1.3 and 1.2: a connection asking about CERT,
                   then one offering its session back; prints per
                   version the answer, the session tickets received and
                   whether the second connection resumed the session
  badproto, badversion, badcommand, truncated, oversize, unknown,
  notder, twocerts, plaintext, silent, trickle
                   one odd request each (a valid CERT is the last
                   argument where one is needed); prints "closed" when
                   the server closed the connection without answering,
                   or what it answered
Exit status: 0 when it could talk to the server as the case wants.
"""
import hashlib
import os
import socket
import ssl
import struct
import sys
import time
import warnings

warnings.simplefilter("ignore", DeprecationWarning)

args = [a for a in sys.argv[1:] if not a.startswith("--")]
opts = [a for a in sys.argv[1:] if a.startswith("--")]
host, port, case, rest = args[0], int(args[1]), args[2], args[3:]
tls1 = "--tls1" in opts
device = "CP-8865-SEP001122AABBCC"
for o in opts:
    if o.startswith("--device="):
        device = o.split("=", 1)[1]

ROLES = {0: "SAST", 1: "CCM", 2: "CCM+TFTP", 3: "TFTP", 4: "CAPF",
         7: "APP-SERVER", 21: "TVS"}


def der_of(path):
    data = open(path, "rb").read()
    if b"-----BEGIN CERTIFICATE-----" in data:
        return ssl.PEM_cert_to_DER_cert(data.decode())
    return data


def element(tag, value):
    return struct.pack(">BH", tag, len(value)) + value


def message(cmd, elements, session=0x1234, proto=87, version=1, length=None):
    body = b"".join(elements)
    n = len(body) if length is None else length
    return struct.pack(">BBBBIH", proto, version, cmd, 0, session, n) + body


def request(cert, cmd=1, session=0x1234, name=None):
    name = (name or device).encode()
    return message(cmd, [element(1, b"\x01" + name), element(2, cert)],
                   session)


def context(version=None, on_msg=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if version:
        ctx.minimum_version = ctx.maximum_version = version
    if on_msg:
        ctx._msg_callback = on_msg      # the TLS messages, as they pass
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE     # phones check it against the ITL
    if tls1:
        ctx.minimum_version = ssl.TLSVersion.TLSv1
        ctx.maximum_version = ssl.TLSVersion.TLSv1
        ctx.set_ciphers("ALL:@SECLEVEL=0")
    return ctx


def connect(timeout=15, ctx=None, session=None):
    raw = socket.create_connection((host, port), timeout=timeout)
    return (ctx or context()).wrap_socket(raw, session=session)


def tickets(cert, version):
    """'ANSWER, N tickets, resumed yes|no' for one TLS VERSION."""
    seen = []

    def on_msg(conn, direction, ver, content_type, msg_type, data):
        # a handshake message of type 4 from the server: NewSessionTicket
        if direction == "read" and content_type == 22 and data[:1] == b"\x04":
            seen.append(len(data))

    ctx = context(version, on_msg)
    s = connect(ctx=ctx)
    s.sendall(request(cert))
    answer = read_answer(s)
    # a ticket sent after the answer would come before the close
    s.settimeout(0.5)
    closed(s)
    session = s.session
    s.close()
    s = connect(ctx=ctx, session=session)
    resumed = "yes" if s.session_reused else "no"
    s.close()
    return f"{answer}, {len(seen)} tickets, resumed {resumed}"


def read_exact(s, n):
    buf = b""
    while len(buf) < n:
        try:
            chunk = s.recv(n - len(buf))
        except (ConnectionError, ssl.SSLError):
            chunk = b""
        if not chunk:
            return None
        buf += chunk
    return buf


def read_answer(s, session=0x1234, cmd=2):
    head = read_exact(s, 10)
    if head is None:
        return "closed"
    proto, ver, rcmd, _, sess, n = struct.unpack(">BBBBIH", head)
    body = read_exact(s, n)
    if body is None or proto != 87 or ver != 1:
        return "garbled"
    if rcmd != cmd or sess != session:
        return f"wrong answer: command {rcmd} session {sess:#x}"
    fields, off = {}, 0
    while off < len(body):
        tag, ln = struct.unpack(">BH", body[off:off + 3])
        fields[tag] = body[off + 3:off + 3 + ln]
        off += 3 + ln
    if fields.get(7) == b"\x00":
        roles = ",".join(ROLES.get(r, str(r)) for r in fields.get(8, b""))
        ttl = struct.unpack(">I", fields[9])[0]
        return f"valid {roles} ttl {ttl}"
    return "invalid"


def closed(s):
    try:
        return s.recv(1) == b""
    except socket.timeout:
        return False
    except (ConnectionError, ssl.SSLError):
        return True


def main():
    if case in ("verify", "query"):
        cmd = 1 if case == "verify" else 3
        s = connect()
        certs = [der_of(p) for p in rest]
        # all requests first, then the answers: pipelined, in order
        s.sendall(b"".join(request(c, cmd, 0x1000 + i)
                           for i, c in enumerate(certs)))
        for i in range(len(certs)):
            print(read_answer(s, 0x1000 + i, cmd + 1))
        s.close()
        return 0
    if case == "servercert":
        s = connect()
        print(hashlib.sha1(s.getpeercert(binary_form=True)).hexdigest())
        s.close()
        return 0
    if case == "handshake":
        try:
            s = connect()
            print("ok", s.version())
            s.close()
        except (ssl.SSLError, ConnectionError) as e:
            print("refused:", e)
        return 0
    if case == "hold":
        # a connection made before a change, used after it: prints the
        # certificate it got, waits for FLAG to exist, then asks
        s = connect(timeout=60)
        print(hashlib.sha1(s.getpeercert(binary_form=True)).hexdigest(),
              flush=True)
        for _ in range(300):
            if os.path.exists(rest[1]):
                break
            time.sleep(0.1)
        s.sendall(request(der_of(rest[0])))
        print(read_answer(s))
        return 0
    if case == "flood":
        # N plain TCP connections at once: prints how many the server
        # closed at once (those over its limit)
        import resource
        n = int(rest[0])
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, n + 64), hard))
        socks = [socket.create_connection((host, port), timeout=10)
                 for _ in range(n)]
        time.sleep(1)
        # one poll for all: well within the server's 10 s deadline
        import select
        p = select.poll()
        for x in socks:
            p.register(x, select.POLLIN)
        ready = {fd for fd, _ in p.poll(100)}
        n_closed = 0
        for x in socks:
            if x.fileno() in ready:
                x.settimeout(0.1)
                n_closed += closed(x)
        print(n_closed, "closed at once")
        for x in socks:
            x.close()
        return 0
    if case == "tickets":
        for name, v in (("TLSv1.3", ssl.TLSVersion.TLSv1_3),
                        ("TLSv1.2", ssl.TLSVersion.TLSv1_2)):
            print(f"{name}: {tickets(der_of(rest[0]), v)}")
        return 0
    if case == "plaintext":
        raw = socket.create_connection((host, port), timeout=15)
        raw.sendall(request(b"\x30\x03\x02\x01\x01"))
        print("closed" if closed(raw) else "answered")
        return 0
    if case == "silent":
        raw = socket.create_connection((host, port), timeout=30)
        t = time.time()
        c = closed(raw)
        print("closed" if c else "open", f"after {time.time() - t:.0f} s")
        return 0
    cert = der_of(rest[-1]) if rest else b"\x30\x03\x02\x01\x01"
    s = connect(timeout=30)
    if case == "badproto":
        s.sendall(message(1, [], proto=88))
    elif case == "badversion":
        s.sendall(message(1, [], version=2))
    elif case == "badcommand":
        s.sendall(message(2, [element(7, b"\x00")]))
    elif case == "truncated":
        # the header promises more than is sent: the deadline ends it
        s.sendall(request(cert)[:-5])
    elif case == "oversize":
        s.sendall(message(1, [], length=20000))
    elif case == "unknown":
        s.sendall(message(1, [element(1, b"\x01" + device.encode()),
                              element(2, cert), element(42, b"x")]))
    elif case == "notder":
        s.sendall(request(b"-----BEGIN CERTIFICATE-----"))
    elif case == "twocerts":
        s.sendall(message(1, [element(1, b"\x01" + device.encode()),
                              element(2, cert), element(2, cert)]))
    elif case == "trickle":
        # one byte every 2 s: the request deadline must still end it
        t = time.time()
        for b in request(cert):
            try:
                s.sendall(bytes([b]))
            except (ConnectionError, ssl.SSLError, OSError):
                break
            time.sleep(2)
            if time.time() - t > 16:
                break
        print("closed" if closed(s) else "open",
              f"after {time.time() - t:.0f} s")
        return 0
    else:
        print("unknown case", case)
        return 2
    print(read_answer(s))
    return 0


sys.exit(main())
