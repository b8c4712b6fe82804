#!/usr/bin/env python3
"""Move benchmark: phones of cluster A rehearsed moving to cluster B.

    bench_move.py [--build DIR] [--phones N] [--concurrency C] [--nodes N]

DIR defaults to build-bench, the Release build bench_tvs.py makes
(cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DCTL_BENCH=ON).

Two clusters side by side on loopback (same node names and addresses,
different ports).  The phones hold a snapshot of A, download from B's
TFTP servers and ask A's TVS servers (the --tvs list), in one run:

  b. non-secure A to non-secure B, before the certificate import
     (TVS phones reject: exit 1 expected)
  a. the same after the import (B's ITL via A's TVS)
  c. mixed-mode A to mixed-mode B (B's CTL via A's TVS, B's ITL via the
     new CTL)
  d. the same, phones without TVS only (7940/7960: all warnings)

Reports phones per second per scenario, the TFTP downloads and TVS
questions, and the errors (must be zero).  CI does not run it.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from benchlib import (free_base, free_subnet, rehearsal_args, start_cluster,
                      stop_cluster)

args, CTL, PUBD = rehearsal_args(__doc__, 2)

MIX = "8845:40,7975:30,7960:30"


def ctl(*argv):
    subprocess.run([CTL, *argv], check=True, stdout=subprocess.DEVNULL)


def tvs_list(subnet, base):
    """The TVS servers of a cluster on SUBNET at BASE, publisher first."""
    return ",".join(f"{subnet}.{2 + i}:{base + 10 * i + 1}"
                    for i in range(args.nodes))


work = tempfile.mkdtemp(prefix="bench_move.")
dirs = {k: os.path.join(work, k) for k in ("A", "B")}
results = {"phones": args.phones, "nodes": args.nodes,
           "concurrency": args.concurrency, "runs": []}
ok = True
try:
    # One after the other: B's subnet and ports are picked once A holds
    # its own.
    sub_a = free_subnet()
    base_a = free_base(args.nodes, subnet=sub_a)
    net_a = start_cluster(PUBD, dirs["A"], args.nodes, base_a,
                          "--tvs-tls", "1.0", subnet=sub_a)
    sub_b = free_subnet()
    base_b = free_base(args.nodes, subnet=sub_b)
    net_b = start_cluster(PUBD, dirs["B"], args.nodes, base_b,
                          "--tvs-tls", "1.0", "--itl-signer", "CallManager",
                          subnet=sub_b)
    snap0 = os.path.join(work, "a0")
    ctl("rehearse", "--snapshot", snap0, *net_a)

    def bench(name, snap, models, want_rc, want_tvs_rejecting):
        global ok
        argv = [CTL, "rehearse", "--json", "--phones", str(args.phones),
                "--concurrency", str(args.concurrency), "--models", models,
                "--installed", snap, "--tvs", tvs_list(sub_a, base_a), *net_b]
        p = subprocess.run(argv, capture_output=True, text=True)
        try:
            j = json.loads(p.stdout)
        except ValueError:
            print(f"{name}: no report (exit {p.returncode}): "
                  f"{p.stderr.strip()}")
            ok = False
            return
        run = {"scenario": name, "exit": p.returncode,
               "elapsed_ms": j["elapsed_ms"],
               "phones_per_second": j["phones_per_second"],
               "tftp_downloads": j["tftp_downloads"],
               "tvs_queries": j["tvs_queries"], "errors": j["errors"],
               "tvs_phones_rejecting": j["tvs_phones_rejecting"],
               "warnings": j["warnings"],
               "accepted": j["totals"]["accepted"],
               "rejected": j["totals"]["rejected"]}
        results["runs"].append(run)
        if (p.returncode != want_rc or j["errors"] != 0 or
                j["tvs_phones_rejecting"] != want_tvs_rejecting):
            ok = False
            print(f"  {name}: exit {p.returncode} (want {want_rc}), "
                  f"{j['tvs_phones_rejecting']} TVS phones rejecting "
                  f"(want {want_tvs_rejecting}), {j['errors']} errors")
        print(f"{name:<34} exit {p.returncode} "
              f"{j['elapsed_ms'] / 1000:8.2f} s "
              f"{j['phones_per_second']:6d} phones/s  "
              f"accept {run['accepted']:6d}  reject {run['rejected']:6d}  "
              f"{j['tftp_downloads']:6d} TFTP  {j['tvs_queries']:6d} TVS  "
              f"errors {j['errors']}", flush=True)

    tvs_phones = args.phones * 70 // 100
    bench("b. non-secure, no import", snap0, MIX, 1, tvs_phones)
    # The bulk import, as it ends up in A's trust stores.
    for purpose in ("Phone-SAST-trust", "CallManager-trust"):
        for cert in ("CallManager", "ITLRecovery"):
            ctl("trust", "upload", "--purpose", purpose,
                os.path.join(dirs["B"], "nodes", "cucm-pub", cert + ".pem"),
                *net_a)
    time.sleep(2)   # TVS reloads its caches in the background
    bench("a. non-secure, imported", snap0, MIX, 0, 0)
    ctl("tokenless", "set-mixed-mode", "--yes", *net_a)
    ctl("tokenless", "set-mixed-mode", "--yes", *net_b)
    snap1 = os.path.join(work, "a1")
    ctl("rehearse", "--snapshot", snap1, *net_a)
    time.sleep(2)
    bench("c. mixed mode, imported", snap1, MIX, 0, 0)
    bench("d. mixed mode, phones without TVS", snap1, "7940:1,7960:1", 0, 0)
finally:
    for d in dirs.values():
        stop_cluster(PUBD, d)
    shutil.rmtree(work, ignore_errors=True)

print(json.dumps(results, indent=2))
sys.exit(0 if ok else 1)
