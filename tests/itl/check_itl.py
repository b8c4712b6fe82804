"""Checks an ITL as `ctlclient show --json` prints it against the
cluster's certificate files: check_itl.py DIR JSON [--ips] SIGNER-PREFIX
ROLE:NODE:PURPOSE...  With --ips, node I's records carry the address
$SUBNET.(2+I)."""
import json
import os
import subprocess
import sys

args = sys.argv[1:]
cdir, path = args[0], args[1]
args = args[2:]
ips = args[0] == "--ips"
if ips:
    args = args[1:]
signer_prefix, want = args[0], [w.split(":") for w in args[1:]]


def fp(node, purpose):
    out = subprocess.run(["openssl", "x509", "-in",
                          f"{cdir}/nodes/{node}/{purpose}.pem",
                          "-noout", "-fingerprint", "-sha1"],
                         capture_output=True, text=True, check=True).stdout
    return out.strip().split("=")[1].replace(":", "").lower()


j = json.load(open(path))
assert j["kind"] == "ITL" and j["filename"] == "ITLFile.tlv", j["kind"]
assert j["signature_valid"] and j["digest"] == "sha1", j
got = [(r["role"], r["dns_name"]) for r in j["records"]]
assert got == [(w[0], w[1]) for w in want], got
node_ips = {}
for r, w in zip(j["records"], want):
    assert r["cert_sha1"] == fp(w[1], w[2]), w
    node_ips.setdefault(w[1], r["ip"])
    assert r["ip"] == node_ips[w[1]], r
if ips:
    names = sorted(node_ips, key=lambda n: (n != "cucm-pub", n))
    assert [node_ips[n] for n in names] == \
        [f"{os.environ['SUBNET']}.{2 + i}" for i in range(len(names))], \
        node_ips
assert [r["signer"] for r in j["records"]] == [True] + [False] * (len(want) - 1)
assert j["signer"]["name"].startswith(signer_prefix), j["signer"]
