"""Helpers the benchmark scripts share: free loopback subnets and ports,
a local cluster started and stopped, and the time a command takes."""
import argparse
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "cluster"))
import freeports  # noqa: E402  (shared with the tests' lib.sh)


def free_subnet():
    """A loopback subnet 127.R.S on whose node addresses UDP port 69,
    where every node serves TFTP, is free.  Exits when none is found."""
    net = freeports.free_subnet()
    if net is None:
        raise SystemExit("no loopback subnet with UDP port 69 free")
    return net


def free_base(nodes=1, tcp=3, subnet="127.0.0"):
    """A port base at which node I (SUBNET.(2+I)) can bind the TCP ports
    base + 10*I + K for K below TCP, and its TFTP port, UDP 69.  Exits
    when none is found."""
    base = freeports.free_base(nodes, (subnet,), tcp)
    if base is None:
        raise SystemExit(f"no free port range on {subnet}.x")
    return base


def start_cluster(pubd, directory, nodes, base, *init_args,
                  subnet="127.0.0"):
    """Initialises and starts an NODES-node cluster in DIRECTORY on
    SUBNET, ports from BASE; returns the ctlclient options that reach its
    publisher as its administrator."""
    subprocess.run([pubd, "init", directory, "--nodes", str(nodes), "--port",
                    str(base), "--subnet", subnet, *init_args], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([pubd, "start", directory], check=True,
                   stdout=subprocess.DEVNULL)
    return ["--server", f"{subnet}.2:{base}", "--user", "admin",
            "--password-file", os.path.join(directory, "admin.password"),
            "--cafile", os.path.join(directory, "trust.pem")]


def stop_cluster(pubd, directory):
    """Stops the cluster in DIRECTORY, quietly, whatever its state."""
    subprocess.run([pubd, "stop", directory], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def timed(cmd, **kw):
    """Seconds CMD takes to run to success, its output discarded; KW goes
    to subprocess.run."""
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, **kw)
    return time.perf_counter() - t


def build_and_runs(usage, default_runs):
    """BUILD_DIR [RUNS] from the command line, USAGE printed without them;
    returns the build directory's ctlclient and ctlpublisherd, and RUNS."""
    if len(sys.argv) < 2:
        raise SystemExit(usage)
    build = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else default_runs
    return (os.path.join(build, "ctlclient", "ctlclient"),
            os.path.join(build, "publisher", "ctlpublisherd"), runs)


def rehearsal_args(doc, nodes, phones=10000):
    """The options the rehearsal benchmarks share (--build, --phones with
    PHONES by default, --concurrency, --nodes with NODES by default),
    parsed, and the paths of ctlclient and ctlpublisherd in the build;
    exits when they are not built."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(os.path.dirname(
        os.path.abspath(__file__)), "..", "build-bench"))
    ap.add_argument("--phones", type=int, default=phones)
    ap.add_argument("--concurrency", type=int, default=64)
    ap.add_argument("--nodes", type=int, default=nodes)
    args = ap.parse_args()
    ctl = os.path.join(args.build, "ctlclient", "ctlclient")
    pubd = os.path.join(args.build, "publisher", "ctlpublisherd")
    for exe in (ctl, pubd):
        if not os.access(exe, os.X_OK):
            sys.exit(f"{exe}: not built (cmake --build {args.build})")
    return args, ctl, pubd
