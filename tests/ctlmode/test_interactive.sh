#!/bin/bash
# set-mixed-mode without --token, driven at a pseudo-terminal as the CTL
# client is driven: "Please insert a Security Token", the token's
# certificate shown, "Add this Security Token?", twice, then the PIN of
# the first token, never echoed.  Without a terminal the command asks for
# --token instead.
#   test_interactive.sh CTLCLIENT CTLPUBLISHERD
CTL=$1 PUBD=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../cluster/lib.sh"

make_tokens
make_cluster 2

expect_rc 2 "without --token and without a terminal" setsid -w $CTL set-mixed-mode --yes $NET
expect_in "$WORK/err" "needs --token URI .* or a terminal" "says to give --token"

if python3 - "$CTL" "$WORK/tokens" $NET <<'PY'
import os, pty, re, select, sys, time
ctl, tokdir, net = sys.argv[1], sys.argv[2], sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(ctl, [ctl, "set-mixed-mode", "--yes"] + net)
seen, first, pins_typed, added = b"", None, 0, 0
deadline = time.time() + 60
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    text = seen.decode(errors="replace")
    if text.count("Add this Security Token? (y/n)") > added:
        m = re.findall(r"Security Token Information \(token (\w+)", text)
        first = first or m[0]
        os.write(fd, b"y\n")
        added += 1
    if "PIN for token" in text and pins_typed == 0:
        os.write(fd, open(f"{tokdir}/{first}.pin", "rb").read())
        pins_typed = 1
    if not r and os.waitpid(pid, os.WNOHANG)[0]:
        break
_, status = os.waitpid(pid, 0)
text = seen.decode(errors="replace")
pin = open(f"{tokdir}/{first}.pin").read().strip()
checks = [
    ("asked to insert a token", "Please insert a Security Token" in text),
    ("showed the certificate", "Subject Name:" in text and "Issuer Name:" in text and "Expires on:" in text),
    ("asked twice", added == 2),
    ("asked for the first token's PIN", f"PIN for token {first}" in text),
    ("the PIN was not echoed", pin not in text),
    ("mixed mode set", os.waitstatus_to_exitcode(status) == 0 and "Cluster set to Mixed Mode" in text),
]
bad = [c for c, ok in checks if not ok]
for c, ok in checks:
    print(("ok - " if ok else "FAIL - ") + c)
if bad:
    print(text[-2000:])
sys.exit(1 if bad else 0)
PY
then pass "set-mixed-mode at the terminal, as the CTL client"; else fail "interactive set-mixed-mode"; fi
expect_rc 0 "status" $CTL status --json $NET
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["security_mode"]==1 and j["ctl_mode"]=="token"' "$WORK/out" &&
	pass "status: mixed mode, token" || fail "status after the interactive run"
finish
