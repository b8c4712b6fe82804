#!/usr/bin/env python3
"""How fast is TVS?  Verifications per second of a node's TVS against
nginx and `openssl s_server` presenting the same TVS certificate and
key, under the same load: CLIENTS concurrent clients, each request a
fresh TLS connection (full handshake, one request, the answer, close).
Rounds alternate between the servers in one run; prints each round, the
medians and the ratios (ours / theirs).

    bench/bench_tvs.py [--seconds S] [--rounds R] [--clients N]
                       [--build-dir DIR] [--no-build]

Builds ctlpublisherd and bench/tvs_load in DIR (default build-bench) as a
Release build with -DCTL_BENCH=ON.  The node logs every answer to its
node.log, as it does in production.

- nginx: 2 worker processes, TLS 1.2 and 1.3, no session cache nor
  tickets, no access log; tvs_load --http sends it a small GET and reads
  its answer ("ok") to the end of the connection: the same TLS work as a
  TVS request, a trivial answer.  The rate to beat: TVS at least 0.9
  times nginx's.
- s_server: one connection at a time, prints nothing (-quiet); answers a
  line (-rev), which tvs_load --line sends.
- bare handshakes (tvs_load --bare: the handshake, then close) against
  TVS and nginx: what the TLS stack alone costs each.

Each round also prints the CPU time the server spent per answer (from
/proc: the node's process, nginx's master and workers, s_server), which
a machine busy with other work disturbs far less than the rates.
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


NGINX_CONF = """worker_processes 2;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.2:{port} ssl;
        ssl_certificate {key};
        ssl_certificate_key {key};
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_session_cache off;
        ssl_session_tickets off;
        location / {{ return 200 "ok"; }}
    }}
}}
"""


def start_nginx(tmp, port, key):
    """nginx in the foreground under TMP, on 127.0.0.2:PORT, with the
    certificate and key in KEY; returns its process."""
    os.makedirs(tmp)
    conf = os.path.join(tmp, "nginx.conf")
    with open(conf, "w") as f:
        f.write(NGINX_CONF.format(tmp=tmp, port=port, key=key))
    return subprocess.Popen(["nginx", "-p", tmp, "-c", conf],
                            stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def load(tvs_load, port, cert, args, mode):
    cmd = [tvs_load, "127.0.0.2", str(port), cert, "--clients",
           str(args.clients), "--seconds", str(args.seconds)]
    if mode:
        cmd.append(mode)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def cpu_seconds(pids):
    """User and system CPU seconds used so far by PIDS and, for each, its
    child processes (nginx's workers)."""
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/task/{p}/children") as f:
                kids = [int(k) for k in f.read().split()]
        except OSError:
            kids = []
        for q in [p] + kids:
            try:
                with open(f"/proc/{q}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def stop(proc):
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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
    base = free_base(nodes=1, tcp=7)   # the node's ports, and the others'
    ours, sport, nport = base + 1, base + 5, base + 6
    sserver = nginx = None
    try:
        start_cluster(pubd, cluster, 1, base)
        node = os.path.join(cluster, "nodes", "cucm-pub")
        key = os.path.join(node, "TVS.key")
        cert = os.path.join(node, "CallManager.pem")
        sserver = subprocess.Popen(
            ["openssl", "s_server", "-accept", f"127.0.0.2:{sport}",
             "-cert", key, "-key", key, "-rev", "-quiet"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        nginx = start_nginx(os.path.join(work, "nginx"), nport, key)
        wait_tls(ours, "TVS")
        wait_tls(sport, "openssl s_server")
        wait_tls(nport, "nginx")
        time.sleep(1)
        with open(os.path.join(node, "node.pid")) as f:
            node_pid = int(f.read().split()[0])
        pids = {"tvs": node_pid, "nginx": nginx.pid,
                "s_server": sserver.pid}
        runs = (("tvs", ours, None), ("nginx", nport, "--http"),
                ("s_server", sport, "--line"),
                ("tvs-bare", ours, "--bare"), ("nginx-bare", nport, "--bare"))
        rates = {name: [] for name, _, _ in runs}
        cpu = {name: [] for name, _, _ in runs}
        print(f"{args.clients} clients, {args.seconds:g} s per round, "
              f"{os.cpu_count()} CPUs")
        for r in range(args.rounds):
            for name, port, mode in runs:
                pid = pids[name.split("-")[0]]
                c0 = cpu_seconds([pid])
                res = load(tvs_load, port, cert, args, mode)
                us = 1e6 * (cpu_seconds([pid]) - c0) / max(res["answers"], 1)
                rates[name].append(res["per_second"])
                cpu[name].append(round(us))
                print(f"round {r + 1} {name:10s} {res['per_second']:8.1f}/s "
                      f"answers {res['answers']:6d} errors {res['errors']:4d} "
                      f"mean latency {res['mean_latency_ms']:7.1f} ms "
                      f"server CPU {us:5.0f} us/answer"
                      + (f"  first error: {res['first_error']}"
                         if res["errors"] else ""), flush=True)
        med = {name: statistics.median(v) for name, v in rates.items()}
        mcpu = {name: statistics.median(v) for name, v in cpu.items()}

        def ratio(m, a, b):
            return round(m[a] / m[b], 3) if m[b] else float("inf")

        ratios = {"nginx": ratio(med, "tvs", "nginx"),
                  "s_server": ratio(med, "tvs", "s_server"),
                  "bare": ratio(med, "tvs-bare", "nginx-bare")}
        # CPU per answer the other way round: above 1, TVS spends less
        cpu_ratios = {"nginx": ratio(mcpu, "nginx", "tvs"),
                      "bare": ratio(mcpu, "nginx-bare", "tvs-bare")}
        print("median: " + ", ".join(f"{n} {v:.1f}/s" for n, v in med.items()))
        print("median server CPU per answer: " +
              ", ".join(f"{n} {v:.0f} us" for n, v in mcpu.items()))
        print(f"TVS / nginx {ratios['nginx']:.2f} (target >= 0.9), "
              f"TVS / s_server {ratios['s_server']:.2f}, "
              f"bare handshakes TVS / nginx {ratios['bare']:.2f}")
        print(f"CPU per answer, nginx / TVS {cpu_ratios['nginx']:.2f}, "
              f"bare handshakes {cpu_ratios['bare']:.2f}")
        print(json.dumps({"rates": rates, "cpu_us": cpu, "ratios": ratios,
                          "cpu_ratios": cpu_ratios}))
        return 0 if ratios["nginx"] >= 0.9 else 1
    finally:
        stop(sserver)
        stop(nginx)
        stop_cluster(pubd, cluster)
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    sys.exit(main())
