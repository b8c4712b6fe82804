#!/usr/bin/env python3
"""How fast is TVS?  Verifications per second of a node's TVS against
`openssl s_server` presenting the same TVS certificate and key, under the
same load: CLIENTS concurrent clients, each request a fresh TLS
connection (full handshake, one request, the answer, close).  Rounds
alternate between the two servers in one run; prints each round, the
medians and their ratio (ours / s_server).

    bench/bench_tvs.py [--seconds S] [--rounds R] [--clients N]
                       [--build-dir DIR] [--no-build]

Builds ctlpublisherd and bench/tvs_load in DIR (default build-bench) as a
Release build with -DCTL_BENCH=ON.  The node logs every answer to its
node.log, as it does in production; s_server prints nothing (-quiet).
s_server answers a line (-rev), so tvs_load sends it a short line and
reads the reversed line back: the same TLS work, a trivial answer.
s_server runs one connection at a time; TVS uses an event loop per CPU.
"""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from benchlib import free_base, start_cluster, stop_cluster

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def wait_tls(port, what):
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.2", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"bench_tvs: {what} does not listen on 127.0.0.2:{port}")


def load(tvs_load, port, cert, args, line):
    cmd = [tvs_load, "127.0.0.2", str(port), cert, "--clients",
           str(args.clients), "--seconds", str(args.seconds)]
    if line:
        cmd.append("--line")
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build-bench"))
    ap.add_argument("--no-build", action="store_true")
    args = ap.parse_args()

    b = args.build_dir
    if not args.no_build:
        subprocess.run(["cmake", "-S", ROOT, "-B", b,
                        "-DCMAKE_BUILD_TYPE=Release", "-DCTL_BENCH=ON",
                        "-DCTL_TESTS=OFF"],
                       check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run(["cmake", "--build", b, "-j2", "--target",
                        "ctlpublisherd", "ctlclient", "tvs_load"], check=True,
                       stdout=subprocess.DEVNULL)
    pubd = os.path.join(b, "publisher", "ctlpublisherd")
    tvs_load = os.path.join(b, "bench", "tvs_load")

    work = tempfile.mkdtemp(prefix="bench_tvs.")
    cluster = os.path.join(work, "cluster")
    base = free_base(nodes=1, tcp=6)   # the node's ports, and s_server's
    ours, theirs = base + 1, base + 5
    sserver = None
    try:
        start_cluster(pubd, cluster, 1, base)
        node = os.path.join(cluster, "nodes", "cucm-pub")
        key = os.path.join(node, "TVS.key")
        cert = os.path.join(node, "CallManager.pem")
        sserver = subprocess.Popen(
            ["openssl", "s_server", "-accept", f"127.0.0.2:{theirs}",
             "-cert", key, "-key", key, "-rev", "-quiet"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        wait_tls(ours, "TVS")
        wait_tls(theirs, "openssl s_server")
        time.sleep(1)
        rates = {"tvs": [], "s_server": []}
        print(f"{args.clients} clients, {args.seconds:g} s per round, "
              f"{os.cpu_count()} CPUs")
        for r in range(args.rounds):
            for name, port, line in (("tvs", ours, False),
                                     ("s_server", theirs, True)):
                res = load(tvs_load, port, cert, args, line)
                rates[name].append(res["per_second"])
                print(f"round {r + 1} {name:9s} {res['per_second']:8.1f}/s "
                      f"answers {res['answers']:6d} errors {res['errors']:4d} "
                      f"mean latency {res['mean_latency_ms']:7.1f} ms"
                      + (f"  first error: {res['first_error']}"
                         if res["errors"] else ""))
        ours_m = statistics.median(rates["tvs"])
        theirs_m = statistics.median(rates["s_server"])
        ratio = ours_m / theirs_m if theirs_m else float("inf")
        print(f"median: TVS {ours_m:.1f}/s, s_server {theirs_m:.1f}/s, "
              f"ratio {ratio:.2f} (target >= 0.8)")
        print(json.dumps({"tvs": rates["tvs"], "s_server": rates["s_server"],
                          "ratio": round(ratio, 3)}))
        return 0 if ratio >= 0.8 else 1
    finally:
        if sserver:
            sserver.terminate()
            sserver.wait()
        stop_cluster(pubd, cluster)
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    sys.exit(main())
