#!/usr/bin/env python3
"""Rehearsal benchmark: a 3-node cluster on loopback, 40,000 phones.

    bench_rehearse.py [--build DIR] [--phones N] [--concurrency C]

DIR defaults to build-bench, the Release build bench_tvs.py makes
(cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DCTL_BENCH=ON).

Three runs: the steady state (phones hold what TFTP serves: no TVS
question), then a regenerated CallManager certificate in tokenless mode
(every phone with TVS asks its node's TVS over TLS) with N/10 phones and
with N.  Reports the elapsed time, phones per second, errors (must be
zero), the peak memory (maximum resident set) of ctlclient in each run
and the ratio of its peaks at N and N/10 (nothing is kept per phone, so
it stays near 1), and the peak memory (VmHWM) of each ctlpublisherd
node and TFTP server, read from /proc/PID/status before they stop.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

from benchlib import (free_base, free_subnet, rehearsal_args, start_cluster,
                      stop_cluster)

args, CTL, PUBD = rehearsal_args(__doc__, 3, 40000)


def vm_hwm_kb(pid):
    """Peak resident memory of a live process, in KiB (None if gone)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def read_pid(path):
    try:
        with open(path) as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def run_ctl(argv):
    """Runs ctlclient; returns its exit code, output, and its peak
    resident memory in KiB, from the kernel's accounting of that one
    child when it is reaped (wait4)."""
    p = subprocess.Popen([CTL] + argv, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    streams = {}

    def drain(name, f):
        streams[name] = f.read()
    ts = [threading.Thread(target=drain, args=(n, f))
          for n, f in (("out", p.stdout), ("err", p.stderr))]
    for t in ts:
        t.start()
    _, status, usage = os.wait4(p.pid, 0)
    for t in ts:
        t.join()
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, streams["out"], streams["err"], usage.ru_maxrss


work = tempfile.mkdtemp(prefix="bench_rehearse.")
cluster = os.path.join(work, "cluster")
results = {"phones": args.phones, "nodes": args.nodes,
           "concurrency": args.concurrency, "runs": []}
ok = True
try:
    sub = free_subnet()
    net = start_cluster(PUBD, cluster, args.nodes,
                        free_base(args.nodes, subnet=sub),
                        "--tvs-tls", "1.0", subnet=sub)
    subprocess.run([CTL, "tokenless", "set-mixed-mode", "--yes"] + net,
                   check=True, stdout=subprocess.DEVNULL)
    snap = os.path.join(work, "snap")
    subprocess.run([CTL, "rehearse", "--snapshot", snap] + net, check=True,
                   stdout=subprocess.DEVNULL)

    common = ["rehearse", "--json", "--concurrency", str(args.concurrency),
              "--models", "8845:40,7975:30,7960:30"] + net

    def bench(name, phones, extra, want_tvs_rejecting=0):
        global ok
        rc, out, err, peak = run_ctl(common + ["--phones", str(phones)] +
                                     extra)
        try:
            j = json.loads(out)
        except ValueError:
            print(f"{name}: no report (exit {rc}): {err.strip()}")
            ok = False
            return
        run = {"scenario": name, "phones": phones, "exit": rc,
               "elapsed_ms": j["elapsed_ms"],
               "phones_per_second": j["phones_per_second"],
               "tftp_downloads": j["tftp_downloads"],
               "tvs_queries": j["tvs_queries"], "errors": j["errors"],
               "tvs_phones_rejecting": j["tvs_phones_rejecting"],
               "warnings": j["warnings"], "ctlclient_maxrss_kb": peak}
        results["runs"].append(run)
        if j["errors"] != 0 or j["tvs_phones_rejecting"] != want_tvs_rejecting:
            ok = False
            for x in j["models"]:
                for k in ("ctl", "itl"):
                    for w, e in x[k]["examples"].items():
                        print(f"  {x['model']} {k} {w} "
                              f"{x[k]['reasons'][w]}: {e[:200]}")
        print(f"{name:<24} {phones:6d} phones {j['elapsed_ms'] / 1000:8.2f} s "
              f"{j['phones_per_second']:6d} phones/s  "
              f"{j['tftp_downloads']:6d} TFTP  {j['tvs_queries']:6d} TVS  "
              f"errors {j['errors']}  ctlclient max RSS {peak} KiB")
        return peak

    bench("steady state", args.phones, [])
    subprocess.run([PUBD, "regenerate", cluster, "--node", "cucm-pub"],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run([CTL, "migrate", "regenerate", "--yes"] + net,
                   check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    time.sleep(2)   # TVS reloads its caches in the background
    small = max(1, args.phones // 10)
    peak_small = bench("CallManager regen (TVS)", small,
                       ["--installed", snap])
    peak_full = bench("CallManager regen (TVS)", args.phones,
                      ["--installed", snap])
    if peak_small and peak_full:
        ratio = peak_full / peak_small
        results["ctlclient_maxrss_ratio"] = round(ratio, 3)
        print(f"ctlclient max RSS: {peak_full} KiB at {args.phones} phones, "
              f"{peak_small} KiB at {small}: ratio {ratio:.2f}")

    # The servers' peaks, read while they still run.
    procs = {}
    nodes_dir = os.path.join(cluster, "nodes")
    for name in sorted(os.listdir(nodes_dir)):
        for what, f in (("ctlpublisherd", "node.pid"), ("dnsmasq", "tftp.pid")):
            pid = read_pid(os.path.join(nodes_dir, name, f))
            if pid:
                procs[f"{name} {what}"] = vm_hwm_kb(pid)
    results["servers_vmhwm_kb"] = procs
    for k, v in procs.items():
        print(f"  {k:<28} VmHWM {v} KiB")
    # dnsmasq serves every transfer in its one process: its peak is the
    # whole TFTP service's.
finally:
    stop_cluster(PUBD, cluster)
    shutil.rmtree(work, ignore_errors=True)

print(json.dumps(results, indent=2))
sys.exit(0 if ok else 1)
