#!/bin/bash
# The help and the docs agree: every option that a command's or a
# subcommand's --help prints is in the docs (README.md, docs/*.md), and
# every option a synopsis in the docs shows for a command is accepted by
# it.  The commands come from `ctlclient --help` and `ctlpublisherd
# --help`, the subcommands from each command's usage lines (or its
# ACTION list).
#   test_help_docs.sh CTLCLIENT CTLPUBLISHERD SOURCE-DIR
CTL=$1 PUBD=$2 SRC=$3
. "$(dirname "$0")/lib.sh"

python3 - "$CTL" "$PUBD" "$SRC" "$WORK" <<'PY'
import glob, os, re, subprocess, sys

ctl, pubd, src, work = (os.path.abspath(a) for a in sys.argv[1:5])
progs = {"ctlclient": ctl, "ctlpublisherd": pubd}
env = {k: v for k, v in os.environ.items() if not k.startswith("CTLCLIENT_")}
env["CTLCLIENT_KNOWN_SERVERS"] = os.path.join(work, "known_servers")
fails = passes = 0

def check(ok, what):
    global fails, passes
    if ok:
        passes += 1
        print("ok - " + what)
    else:
        fails += 1
        print("FAIL - " + what)

def run(args):
    p = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=20, env=env, cwd=work)
    return p.returncode, p.stdout, p.stderr

OPT = re.compile(r"(?<![\w-])--[a-z0-9][a-z0-9.-]*[a-z0-9]")

def options(text):
    return set(OPT.findall(text))

# The commands, from each program's own list.
commands = {}
for name, exe in progs.items():
    rc, out, _ = run([exe, "--help"])
    check(rc == 0, f"{name} --help")
    commands[name] = re.findall(r"^  ([a-z][a-z0-9-]*)\s", out, re.M)
    check(len(commands[name]) > 0, f"{name} --help lists its commands")

# Each command's help, and its subcommands' (usage lines, or an ACTION
# list).
helps = {}            # (prog, cmd, sub or None) -> help text
for name, exe in progs.items():
    for cmd in commands[name]:
        rc, out, err = run([exe, cmd, "--help"])
        check(rc == 0 and "usage:" in out, f"{name} {cmd} --help")
        helps[(name, cmd, None)] = out
        subs = set()
        for m in re.finditer(re.escape(f"{name} {cmd} ") +
                             r"([a-z][a-z0-9-]*(?:\|[a-z][a-z0-9-]*)*)(?=[\s,.)]|$)",
                             out):
            subs.update(m.group(1).split("|"))
        if re.search(re.escape(f"{name} {cmd} ") + r"ACTION\b", out):
            block = out.split("ACTION:", 1)[1] if "ACTION:" in out else ""
            for line in block.splitlines()[1:]:
                m = re.match(r"^  ([a-z][a-z0-9-]*)\s", line)
                if not m:
                    if line.strip() == "" :
                        break
                    continue
                subs.add(m.group(1))
        for sub in sorted(subs):
            rc, out2, _ = run([exe, cmd, sub, "--help"])
            check(rc == 0 and "usage:" in out2, f"{name} {cmd} {sub} --help")
            helps[(name, cmd, sub)] = out2

# The docs.
docfiles = [os.path.join(src, "README.md")] + sorted(
    glob.glob(os.path.join(src, "docs", "*.md")))
docs = {f: open(f, encoding="utf-8").read() for f in docfiles}
alldocs = "\n".join(docs.values())

def in_docs(opt):
    return re.search(r"(?<![\w-])" + re.escape(opt) + r"(?![a-z0-9-])",
                     alldocs) is not None

# 1. Every option a --help prints is in the docs.
for (name, cmd, sub), text in sorted(helps.items(), key=lambda k: (k[0][0], k[0][1], k[0][2] or "")):
    label = " ".join(x for x in (name, cmd, sub) if x)
    missing = sorted(o for o in options(text) if not in_docs(o))
    check(not missing, f"{label} --help: every option is in the docs"
          + (f" (missing: {', '.join(missing)})" if missing else ""))

# 2. Every option a synopsis in the docs shows is accepted.  A synopsis
# is an indented line starting with the program and a command, with its
# continuation lines (a trailing backslash, or deeper indentation).
def synopses(text):
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r"^( {4,})(ctlclient|ctlpublisherd) ([a-z][a-z0-9-]*)(.*)$",
                     lines[i])
        if not m or m.group(3) not in commands[m.group(2)]:
            i += 1
            continue
        indent = len(m.group(1))
        body = m.group(4)
        cont = lines[i].rstrip().endswith("\\")
        i += 1
        while i < len(lines):
            l = lines[i]
            lead = len(l) - len(l.lstrip(" "))
            if l.strip() and (cont or (lead > indent and
                    not re.match(r"^\s*(ctlclient|ctlpublisherd)\s", l))):
                body += " " + l.strip()
                cont = l.rstrip().endswith("\\")
                i += 1
            else:
                break
        yield m.group(2), m.group(3), re.sub(r"\s#.*$", "", body)

def accepted(name, cmd, sub, opt):
    args = [progs[name], cmd] + ([sub] if sub else []) + [opt + "=x", "--help"]
    rc, out, err = run(args)
    return "unrecognized option" not in err and "unknown option" not in err

seen = set()
for f, text in docs.items():
    for name, cmd, body in synopses(text):
        known_subs = {k[2] for k in helps if k[0] == name and k[1] == cmd and k[2]}
        subs = [None]
        for w in re.findall(r"\S+", body):
            w = w.strip("[]()")
            alts = w.split("|")
            if known_subs and all(a in known_subs for a in alts if a):
                subs = [a for a in alts if a]
                continue
            for o in OPT.findall(w):
                for sub in subs:
                    key = (name, cmd, sub, o)
                    if key in seen:
                        continue
                    seen.add(key)
                    label = " ".join(x for x in (name, cmd, sub) if x)
                    check(accepted(name, cmd, sub, o),
                          f"{os.path.relpath(f, src)}: {label} accepts {o}")

# 3. Words that mean nothing to a reader: the name the project's source
# material had ("seed"), and relative paths that climb out of the repository.
BAD = re.compile(r"\bseeds?\b|\.\./[a-z]", re.I)
for (name, cmd, sub), text in sorted(helps.items(), key=lambda k: (k[0][0], k[0][1], k[0][2] or "")):
    label = " ".join(x for x in (name, cmd, sub) if x)
    bad = sorted({m.group(0) for m in BAD.finditer(text)})
    check(not bad, f"{label} --help: no {', '.join(bad) or 'seed or outside path'}")
for name, exe in progs.items():
    rc, out, _ = run([exe, "--help"])
    bad = sorted({m.group(0) for m in BAD.finditer(out)})
    check(not bad, f"{name} --help: no {', '.join(bad) or 'seed or outside path'}")
for f, text in docs.items():
    lines = [f"{i + 1}: {l.strip()}" for i, l in enumerate(text.splitlines())
             if BAD.search(l)]
    check(not lines, f"{os.path.relpath(f, src)}: no seed or outside path"
          + ("".join("\n    | " + l for l in lines) if lines else ""))

print(f"{passes} passed, {fails} failed")
sys.exit(1 if fails else 0)
PY
