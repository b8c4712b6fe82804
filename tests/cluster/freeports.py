"""Free loopback addresses and ports for a local cluster, shared by the
tests (lib.sh) and the benchmarks (bench/benchlib.py).  Node I of a
cluster on subnet 127.R.S has the address 127.R.S.(2+I), the TCP ports
base + 10*I + 0, 1, 2 and TFTP on UDP port 69.

    freeports.py subnet [AVOID]           a subnet, not AVOID
    freeports.py base NODES [SUBNET...]   a base port (SUBNET: 127.0.0)
"""
import random
import socket
import sys

NODES_MAX = 16
TFTP_PORT = 69


def _bindable(addrs):
    """True when every (KIND, IP, PORT) of ADDRS can be bound now."""
    socks = []
    try:
        for kind, ip, port in addrs:
            s = socket.socket(socket.AF_INET, kind)
            socks.append(s)
            s.bind((ip, port))
        return True
    except OSError:
        return False
    finally:
        for s in socks:
            s.close()


def free_subnet(avoid=()):
    """A subnet 127.R.S (R not 0, not in AVOID) on whose node addresses
    UDP port 69 is free, or None."""
    for _ in range(200):
        net = f"127.{random.randrange(1, 255)}.{random.randrange(256)}"
        if net not in avoid and _bindable(
                [(socket.SOCK_DGRAM, f"{net}.{2 + i}", TFTP_PORT)
                 for i in range(NODES_MAX)]):
            return net
    return None


def free_base(nodes, subnets=("127.0.0",), tcp=3):
    """A base port at which the NODES nodes of a cluster on each of
    SUBNETS can bind their first TCP ports and their TFTP port, or
    None."""
    for _ in range(200):
        base = random.randrange(20000, 60000, 10)
        addrs = []
        for net in subnets:
            for i in range(nodes):
                ip = f"{net}.{2 + i}"
                addrs += [(socket.SOCK_STREAM, ip, base + 10 * i + k)
                          for k in range(tcp)]
                addrs.append((socket.SOCK_DGRAM, ip, TFTP_PORT))
        if _bindable(addrs):
            return base
    return None


def main(argv):
    if len(argv) >= 1 and argv[0] == "subnet":
        got = free_subnet(argv[1:])
    elif len(argv) >= 2 and argv[0] == "base":
        got = free_base(int(argv[1]), argv[2:] or ["127.0.0"])
    else:
        sys.exit(__doc__)
    if got is None:
        sys.exit(f"freeports.py {' '.join(argv)}: nothing free found")
    print(got)


if __name__ == "__main__":
    main(sys.argv[1:])
