#!/usr/bin/env python3
"""Is distribution parallel?  Times a tokenless `update CTLFile` (build,
sign, store on every node, per-node results) on a 1-node and a 5-node
cluster, alternating in one run, and prints the medians and their ratio.

    bench/bench_distribution.py BUILD_DIR [RUNS]

Both clusters run on 127.0.0.x with ports picked free, and are stopped
at the end.
"""
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def free_base(nodes):
    for _ in range(200):
        base = random.randrange(20000, 60000, 10)
        socks = []
        try:
            for i in range(nodes):
                for k in range(3):
                    s = socket.socket()
                    socks.append(s)
                    s.bind((f"127.0.0.{2 + i}", base + 10 * i + k))
            return base
        except OSError:
            pass
        finally:
            for s in socks:
                s.close()
    raise SystemExit("no free ports")


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    build = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    ctl = os.path.join(build, "ctlclient", "ctlclient")
    pubd = os.path.join(build, "publisher", "ctlpublisherd")
    tmp = tempfile.mkdtemp(prefix="ctl-bench-dist.")
    clusters = {}
    try:
        for n in (1, 5):
            d = f"{tmp}/c{n}"
            base = free_base(n)
            subprocess.run([pubd, "init", d, "--nodes", str(n), "--port",
                            str(base)], check=True, stdout=subprocess.DEVNULL)
            subprocess.run([pubd, "start", d], check=True,
                           stdout=subprocess.DEVNULL)
            net = ["--server", f"127.0.0.2:{base}", "--user", "admin",
                   "--password-file", f"{d}/admin.password",
                   "--cafile", f"{d}/trust.pem"]
            subprocess.run([ctl, "tokenless", "set-mixed-mode", "--yes"] + net,
                           check=True, stdout=subprocess.DEVNULL)
            clusters[n] = (d, net)
        times = {1: [], 5: []}
        for _ in range(runs):
            for n in (1, 5):
                cmd = [ctl, "tokenless", "update", "--yes"] + clusters[n][1]
                t = time.perf_counter()
                subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
                times[n].append(time.perf_counter() - t)
        m1, m5 = statistics.median(times[1]), statistics.median(times[5])
        print(f"tokenless update CTLFile, {runs} runs each, alternating "
              "(whole ctlclient process, login included)")
        print(f"1-node cluster: median {m1 * 1000:7.1f} ms")
        print(f"5-node cluster: median {m5 * 1000:7.1f} ms")
        print(f"ratio 5/1: {m5 / m1:.2f} (target: at most 1.5)")
    finally:
        for d, _ in clusters.values():
            subprocess.run([pubd, "stop", d], stdout=subprocess.DEVNULL)
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
