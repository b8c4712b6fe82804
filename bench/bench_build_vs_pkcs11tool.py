#!/usr/bin/env python3
"""Whole-process cost of signing a CTL on a token.

Compares, in one run and alternating, `ctlclient build --signer pkcs11:...`
of a 6-record CTL with `pkcs11-tool --sign` of the same bytes (the CTL
without its SIGNATURE field) with the same SoftHSM key, and prints the
median of each and their ratio.  Tokens are made for the run with
tests/token/softhsm_setup.sh.

    bench/bench_build_vs_pkcs11tool.py BUILD_DIR [RUNS]
"""
import os
import shutil
import statistics
import subprocess
import tempfile

from benchlib import build_and_runs, timed

SOFTHSM = "/usr/lib/softhsm/libsofthsm2.so"


def run(cmd, env):
    return timed(cmd, env=env, stderr=subprocess.DEVNULL,
                 stdin=subprocess.DEVNULL)


def split_signature(path):
    """The file without its SIGNATURE field (tag 12 at the header's top
    level), which is what the signature covers, and the signature."""
    b = open(path, "rb").read()
    off = 0
    while off < len(b):
        tag = b[off]
        if tag == 13:
            off += 1
            continue
        n = int.from_bytes(b[off + 1:off + 3], "big")
        if tag == 12:
            return b[:off] + b[off + 3 + n:], b[off + 3:off + 3 + n]
        off += 3 + n
    raise SystemExit(f"{path}: no SIGNATURE field")


def main():
    ctl, _, runs = build_and_runs(__doc__, 31)
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    tmp = tempfile.mkdtemp(prefix="ctl-bench.")
    try:
        subprocess.run(["sh", os.path.join(top, "tests/token/softhsm_setup.sh"),
                        tmp], check=True)
        env = dict(os.environ, SOFTHSM2_CONF=os.path.join(tmp, "softhsm2.conf"))
        for name in ("pub", "sub1", "capf", "tftp"):
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                            "-nodes", "-days", "30", "-subj", f"/CN={name}/O=Lab",
                            "-keyout", f"{tmp}/{name}.key", "-out",
                            f"{tmp}/{name}.pem"], check=True,
                           stderr=subprocess.DEVNULL)
        pinfile = f"{tmp}/SAST1.pin"
        pin = open(pinfile).read().strip()
        out = f"{tmp}/CTLFile.tlv"
        # 6 records: SAST1 (the signer, added first), SAST2, and four servers.
        build_cmd = [ctl, "build", "-o", out, "--module", SOFTHSM, "--signer",
                     f"pkcs11:token=SAST1;pin-source=file:{pinfile}",
                     "--entry", "role=SAST,cert=pkcs11:token=SAST2",
                     "--entry", f"role=CCM+TFTP,cert={tmp}/pub.pem,dns=pub",
                     "--entry", f"role=CCM+TFTP,cert={tmp}/sub1.pem,dns=sub1",
                     "--entry", f"role=CAPF,cert={tmp}/capf.pem,dns=pub",
                     "--entry", f"role=TFTP,cert={tmp}/tftp.pem,dns=tftp"]
        run(build_cmd, env)
        shown = subprocess.run([ctl, "show", "--json", out], env=env,
                               check=True, capture_output=True, text=True)
        records = shown.stdout.count('"role"')
        tbs = f"{tmp}/tbs.bin"
        signed, signature = split_signature(out)
        open(tbs, "wb").write(signed)
        tool_cmd = ["pkcs11-tool", "--module", SOFTHSM, "--token-label", "SAST1",
                    "--login", "--pin", pin, "--sign", "--id", "01",
                    "--mechanism", "SHA1-RSA-PKCS", "--input-file", tbs,
                    "--output-file", f"{tmp}/sig.bin"]
        run(tool_cmd, env)
        # PKCS#1 v1.5 is deterministic: the same key over the same bytes
        # gives the same signature, which proves both sign the same thing.
        if open(f"{tmp}/sig.bin", "rb").read() != signature:
            raise SystemExit("pkcs11-tool's signature differs from the CTL's")
        a, b = [], []
        for _ in range(runs):
            a.append(run(build_cmd, env))
            b.append(run(tool_cmd, env))
        ma, mb = statistics.median(a), statistics.median(b)
        print(f"CTL: {records} records, {os.path.getsize(out)} bytes; "
              f"{len(signed)} bytes signed (same signature from both); "
              f"{runs} runs each, "
              "alternating")
        print(f"ctlclient build --signer pkcs11:  median {ma * 1000:7.2f} ms")
        print(f"pkcs11-tool --sign (same bytes)   median {mb * 1000:7.2f} ms")
        print(f"ratio of medians: {ma / mb:.2f} (target: at most 1.3)")
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
