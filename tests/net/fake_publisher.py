#!/usr/bin/env python3
"""A stand-in CTL Provider for the ctlclient network tests.

Speaks docs/protocol.md over TLS on 127.0.0.1, one connection at a time,
until killed.  It keeps a CTL in memory, checks BASE_SHA1 on uploads,
and answers every request of the client commands.  Before each answer
it reads MODE_FILE: a word there makes one answer malformed or an
error, so that the test can check how ctlclient takes it.

usage: fake_publisher.py CERT KEY PORT PASSWORD MODE_FILE LOG
"""
import hashlib
import os
import socket
import ssl
import struct
import sys

CERT, KEY, PORT, PASSWORD, MODE_FILE, LOG = sys.argv[1:7]
PORT = int(PORT)

(USER, PASS, FILE, SHA1, BASE_SHA1, MODE, ACTION, PURPOSE, CERTF, LIMIT,
 MESSAGE, ERROR, SECURITY_MODE, CTL_MODE, NODE, NAME, IP, PORTF, PUBLISHER,
 REACHABLE, STATE, RESULT, TIME, AUDIT, OPERATION, OLD_SHA1, NEW_SHA1,
 TRUST, FILENAME, STATUS) = range(1, 31)
GROUPS = {NODE, RESULT, AUDIT, TRUST}

state = {"ctl": None, "sec": 0, "mode": 0, "trust": [], "audit": []}


def log(msg):
    with open(LOG, "a") as f:
        f.write(msg + "\n")


def mode():
    try:
        with open(MODE_FILE) as f:
            return f.read().strip()
    except OSError:
        return "normal"


def fld(tag, val):
    if isinstance(val, list):
        val = b"".join(fld(t, v) for t, v in val)
    elif isinstance(val, str):
        val = val.encode()
    return struct.pack(">HI", tag, len(val)) + val


def u8(v): return bytes([v])
def u16(v): return struct.pack(">H", v)
def u32(v): return struct.pack(">I", v)
def u64(v): return struct.pack(">Q", v)


def frame(ftype, rid, fields):
    payload = b"".join(fld(t, v) for t, v in fields)
    return b"CTLP" + bytes([1, ftype, 0, 0]) + struct.pack(">II", rid, len(payload)) + payload


def parse(payload):
    out, off = [], 0
    while off < len(payload):
        tag, n = struct.unpack(">HI", payload[off:off + 6])
        out.append((tag, payload[off + 6:off + 6 + n]))
        off += 6 + n
    return out


def get(fields, tag):
    for t, v in fields:
        if t == tag:
            return v
    return None


def recv_exact(c, n):
    b = b""
    while len(b) < n:
        x = c.recv(n - len(b))
        if not x:
            raise EOFError
        b += x
    return b


def nodes(m):
    sha = hashlib.sha1(state["ctl"]).digest() if state["ctl"] else b""
    out = []
    for i, name in enumerate(["cucm-pub", "cucm-sub1", "cucm-sub2"]):
        g = [(NAME, name), (IP, bytes([127, 0, 0, 2 + i])), (PORTF, u16(2444)),
             (PUBLISHER, u8(1 if i == 0 else 0)), (REACHABLE, u8(1)),
             (STATE, "current")]
        if sha:
            g.append((SHA1, sha))
        if m == "bad-node-ip" and i == 1:
            g[1] = (IP, b"\x7f\x00\x00")
        if m == "two-publishers":
            g[3] = (PUBLISHER, u8(1))
        if m == "bad-state" and i == 2:
            g[5] = (STATE, "weird")
        if m == "escape" and i == 0:
            g[0] = (NAME, "pub\x1b[31mred")
        out.append((NODE, g))
    return out


def results(m, filename="CTLFile.tlv"):
    out = []
    for i, name in enumerate(["cucm-pub", "cucm-sub1", "cucm-sub2"]):
        g = [(NAME, name), (FILENAME, filename), (STATUS, u8(0))]
        if m == "sub2-fails" and i == 2:
            g = [(NAME, name), (FILENAME, filename), (STATUS, u8(1)),
                 (MESSAGE, "connection refused")]
        if m == "bad-status" and i == 0:
            g[2] = (STATUS, u8(7))
        out.append((RESULT, g))
    return out


def answer(rtype, f, m, user):
    """(type, fields) of the answer, or None to close the connection."""
    err = lambda code, msg: (0x81, [(ERROR, u32(code)), (MESSAGE, msg)])
    if m == "busy":
        return err(9, "busy: another change is in progress")
    if rtype == 0x02:
        fields = [(SECURITY_MODE, u8(state["sec"])), (CTL_MODE, u8(state["mode"]))]
        if state["ctl"]:
            fields.append((SHA1, hashlib.sha1(state["ctl"]).digest()))
        if m == "extra-field":
            fields.append((LIMIT, u32(5)))
        if m == "bad-ctl-mode":
            fields[1] = (CTL_MODE, u8(9))
        return 0x80, fields + nodes(m)
    if rtype == 0x03:
        if not state["ctl"]:
            return err(6, "no CTL file on the server")
        sha = hashlib.sha1(state["ctl"]).digest()
        if m == "bad-fetch-sha1":
            sha = bytes(20)
        if m == "short-sha1":
            sha = sha[:19]
        return 0x80, [(FILE, state["ctl"]), (SHA1, sha)]
    if rtype == 0x04:
        new, base = get(f, FILE), get(f, BASE_SHA1)
        cur = hashlib.sha1(state["ctl"]).digest() if state["ctl"] else b""
        if base != cur:
            return err(7, "the CTL changed since you read it")
        old = cur
        state["ctl"] = new
        state["mode"] = 1
        state["sec"] = 1
        state["audit"].append((user, "upload", old, hashlib.sha1(new).digest()))
        sha = hashlib.sha1(new).digest()
        if m == "wrong-stored-sha1":
            sha = bytes(20)
        return 0x80, [(SHA1, sha)] + results(m)
    if rtype == 0x06:
        action = get(f, ACTION)
        old = hashlib.sha1(state["ctl"]).digest() if state["ctl"] else b""
        state["ctl"] = b"tokenless CTL " + action
        state["mode"] = 2
        state["sec"] = 0 if action == b"\x03" else 1
        state["audit"].append((user, "tokenless %d" % action[0], old,
                               hashlib.sha1(state["ctl"]).digest()))
        return 0x80, [(SHA1, hashlib.sha1(state["ctl"]).digest())] + results(m)
    if rtype == 0x07:
        if m == "no-results":
            return 0x80, []
        state["ctl"] = None
        return 0x80, results(m)
    if rtype == 0x08:
        want = get(f, PURPOSE)
        out = []
        for p, der in state["trust"]:
            if want is None or want.decode() == p:
                sha = hashlib.sha1(der).digest()
                if m == "bad-trust-sha1":
                    sha = bytes(20)
                out.append((TRUST, [(PURPOSE, p), (CERTF, der), (SHA1, sha)]))
        return 0x80, out
    if rtype == 0x09:
        p, der = get(f, PURPOSE).decode(), get(f, CERTF)
        state["trust"].append((p, der))
        return 0x80, [(SHA1, hashlib.sha1(der).digest())]
    if rtype == 0x0a:
        p, sha = get(f, PURPOSE).decode(), get(f, SHA1)
        for e in state["trust"]:
            if e[0] == p and hashlib.sha1(e[1]).digest() == sha:
                state["trust"].remove(e)
                return 0x80, []
        return err(6, "no such certificate")
    if rtype == 0x0b:
        lim = get(f, LIMIT)
        entries = state["audit"][-struct.unpack(">I", lim)[0]:] if lim else state["audit"]
        out = [(AUDIT, [(TIME, u64(1425667513 + i)), (USER, u), (OPERATION, op),
                        (OLD_SHA1, o), (NEW_SHA1, n)])
               for i, (u, op, o, n) in enumerate(entries)]
        if m == "too-many-audit":
            out = out * 3
        return 0x80, out
    return err(2, "unsupported request")


def serve(c):
    user = None
    while True:
        head = recv_exact(c, 16)
        rtype = head[5]
        rid, n = struct.unpack(">II", head[8:16])
        f = parse(recv_exact(c, n))
        m = mode()
        log("request %d type 0x%02x mode %s" % (rid, rtype, m))
        if rtype == 0x01:
            u, p = get(f, USER).decode(), get(f, PASS).decode()
            log("login %s" % u)
            if m == "wrong-id":
                rid += 1
            if u != "admin" or p != PASSWORD:
                c.sendall(frame(0x81, rid, [(ERROR, u32(4)), (MESSAGE, "login refused")]))
                continue
            user = u
            c.sendall(frame(0x80, rid, []))
            continue
        if user is None:
            c.sendall(frame(0x81, rid, [(ERROR, u32(3)), (MESSAGE, "login required")]))
            continue
        if m == "hang":
            recv_exact(c, 1)
        t, fields = answer(rtype, f, m, user)
        c.sendall(frame(t, rid, fields))


ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.minimum_version = ssl.TLSVersion.TLSv1_2
ctx.load_cert_chain(CERT, KEY)
ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", PORT))
ls.listen(8)
log("listening")
while True:
    raw, _ = ls.accept()
    raw.settimeout(30)
    try:
        with ctx.wrap_socket(raw, server_side=True) as c:
            serve(c)
    except (EOFError, OSError, ssl.SSLError):
        pass
    finally:
        raw.close()
