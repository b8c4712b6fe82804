#!/usr/bin/env python3
"""Is distribution parallel?  Times a tokenless `update CTLFile` (build,
sign, store on every node, per-node results) on a 1-node and a 5-node
cluster, alternating in one run, and prints the medians and their ratio.

    bench/bench_distribution.py BUILD_DIR [RUNS]

Each cluster runs on a loopback subnet of its own (every node serves
TFTP on port 69 of its address) with ports picked free, and both are
stopped at the end.
"""
import shutil
import statistics
import subprocess
import tempfile

from benchlib import (build_and_runs, free_base, free_subnet, start_cluster,
                      stop_cluster, timed)


def main():
    ctl, pubd, runs = build_and_runs(__doc__, 15)
    tmp = tempfile.mkdtemp(prefix="ctl-bench-dist.")
    clusters = {}
    try:
        for n in (1, 5):
            d = f"{tmp}/c{n}"
            sub = free_subnet()
            net = start_cluster(pubd, d, n, free_base(n, subnet=sub),
                                subnet=sub)
            subprocess.run([ctl, "tokenless", "set-mixed-mode", "--yes"] + net,
                           check=True, stdout=subprocess.DEVNULL)
            clusters[n] = (d, net)
        times = {1: [], 5: []}
        for _ in range(runs):
            for n in (1, 5):
                times[n].append(timed([ctl, "tokenless", "update", "--yes"] +
                                      clusters[n][1]))
        m1, m5 = statistics.median(times[1]), statistics.median(times[5])
        print(f"tokenless update CTLFile, {runs} runs each, alternating "
              "(whole ctlclient process, login included)")
        print(f"1-node cluster: median {m1 * 1000:7.1f} ms")
        print(f"5-node cluster: median {m5 * 1000:7.1f} ms")
        print(f"ratio 5/1: {m5 / m1:.2f} (target: at most 1.5)")
    finally:
        for d, _ in clusters.values():
            stop_cluster(pubd, d)
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
