#!/usr/bin/env python3
"""Which TFTP server for the nodes?  tftpd-hpa (in.tftpd) and dnsmasq
serve the same 14 KB ITLFile.tlv side by side, each on its own loopback
address and port 69; curl fetches it TRANSFERS times per round, CONCURRENCY
transfers at a time, with 512-byte blocks and with a negotiated blksize
of 1428.  Rounds alternate between the servers; the medians of the
transfers/s and the ratio dnsmasq/tftpd-hpa are printed.

    bench/bench_tftp.py [--rounds 5] [--transfers 2000] [--concurrency 64]

Needs root (port 69), in.tftpd (tftpd-hpa), dnsmasq (dnsmasq-base) and
curl.  Both servers are stopped at the end, pass or fail.
"""
import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

from benchlib import free_subnet

ITL_SIZE = 14 * 1024
ROUND_TIMEOUT_S = 120   # one round of transfers, at most
BLKSIZES = (512, 1428)


def program(name, fixed):
    path = shutil.which(name) or (fixed if os.access(fixed, os.X_OK) else None)
    if path is None:
        raise SystemExit(f"{name} not found: install it (scripts/deps.sh)")
    return path


def fetch(ip, count, concurrency, blksize, work):
    """Seconds COUNT transfers of ITLFile.tlv from IP take; exits when one
    of them does not bring the whole file."""
    cfg = os.path.join(work, "curl.cfg")
    with open(cfg, "w") as f:
        for _ in range(count):
            f.write(f'url = "tftp://{ip}/ITLFile.tlv"\noutput = "/dev/null"\n')
    cmd = ["curl", "--silent", "--no-progress-meter", "--parallel", "--parallel-max",
           str(concurrency), "--max-time", "10", "--write-out",
           "%{size_download}\\n", "--config", cfg]
    if blksize != 512:
        cmd[1:1] = ["--tftp-blksize", str(blksize)]
    t = time.perf_counter()
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         check=False, timeout=ROUND_TIMEOUT_S).stdout.split()
    took = time.perf_counter() - t
    whole = sum(1 for n in out if n == str(ITL_SIZE).encode())
    if whole != count:
        raise SystemExit(f"tftp://{ip}: {whole} of {count} transfers brought "
                         f"the whole file (blksize {blksize})")
    return took


def wait_answers(ip, work):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            fetch(ip, 1, 1, 512, work)
            return
        except SystemExit:
            time.sleep(0.1)
    raise SystemExit(f"tftp://{ip}: the server does not answer")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--transfers", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=64)
    args = ap.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("bench_tftp.py: run as root (the servers bind "
                         "UDP port 69)")
    tftpd = program("in.tftpd", "/usr/sbin/in.tftpd")
    dnsmasq = program("dnsmasq", "/usr/sbin/dnsmasq")
    program("curl", "/usr/bin/curl")
    work = tempfile.mkdtemp(prefix="ctl-bench-tftp.")
    root = os.path.join(work, "tftp")
    os.mkdir(root)
    with open(os.path.join(root, "ITLFile.tlv"), "wb") as f:
        f.write(os.urandom(ITL_SIZE))
    net = free_subnet()
    servers = {
        "tftpd-hpa": (f"{net}.2", [tftpd, "--foreground", "--listen",
                                   "--address", f"{net}.2:69", "--secure",
                                   root]),
        "dnsmasq": (f"{net}.3", [dnsmasq, "--keep-in-foreground", "--port=0",
                                 "--enable-tftp", "--tftp-secure",
                                 f"--tftp-root={root}",
                                 f"--listen-address={net}.3",
                                 "--bind-interfaces", "--user=root",
                                 f"--tftp-max={4 * args.concurrency}",
                                 f"--pid-file={work}/dnsmasq.pid"]),
    }
    procs = []
    try:
        for ip, cmd in servers.values():
            # its own session: in.tftpd's per-transfer children go with it
            procs.append(subprocess.Popen(cmd, start_new_session=True,
                                          stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))
        for ip, _ in servers.values():
            wait_answers(ip, work)
        rates = {(s, b): [] for s in servers for b in BLKSIZES}
        for _ in range(args.rounds):
            for b in BLKSIZES:
                for s, (ip, _) in servers.items():
                    rates[(s, b)].append(args.transfers / fetch(
                        ip, args.transfers, args.concurrency, b, work))
        print(f"TFTP, {ITL_SIZE // 1024} KB file, {args.transfers} transfers "
              f"per round, {args.concurrency} at a time, {args.rounds} "
              "rounds alternating; median transfers/s")
        for b in BLKSIZES:
            med = {s: statistics.median(rates[(s, b)]) for s in servers}
            print(f"blksize {b:4}: tftpd-hpa {med['tftpd-hpa']:7.0f}/s   "
                  f"dnsmasq {med['dnsmasq']:7.0f}/s   ratio dnsmasq/tftpd-hpa "
                  f"{med['dnsmasq'] / med['tftpd-hpa']:.2f}")
    finally:
        for p in procs:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        shutil.rmtree(work)


if __name__ == "__main__":
    sys.exit(main())
