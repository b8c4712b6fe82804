#!/usr/bin/env python3
"""The PIN prompt and the final-try consent, driven through a real
pseudo-terminal (the controlling terminal ctlclient opens as /dev/tty).

  test_tty.py CTLCLIENT MOCK_MODULE     (run through with_softhsm.sh)

Checks: the prompt names the token; the PIN typed is never echoed; a
build signed after typing the PIN works; on a token with one PIN try left
the user must type "yes" before any PIN is asked, and anything else stops
the command with no file written.
"""
import os
import pty
import select
import sys
import time

ctl, mock = sys.argv[1], sys.argv[2]
d = os.environ["TOK_TEST_DIR"]
pin = open(os.path.join(d, "SAST1.pin")).read().strip()
softhsm = "/usr/lib/softhsm/libsofthsm2.so"
failures = 0


def session(args, env_extra, script, timeout=20):
    """Runs ctlclient on a new pty; SCRIPT is a list of (wait_for, send).
    Returns (exit status, everything the terminal showed)."""
    pid, fd = pty.fork()
    if pid == 0:
        env = dict(os.environ, **env_extra)
        os.execve(ctl, [ctl] + args, env)
    seen = b""
    steps = list(script)
    deadline = time.time() + timeout
    while time.time() < deadline:
        if steps and steps[0][0].encode() in seen:
            os.write(fd, steps.pop(0)[1].encode())
            continue
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        else:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
    else:
        os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), seen.decode(errors="replace")


def check(what, cond, shown):
    global failures
    if cond:
        print(f"ok - {what}")
    else:
        failures += 1
        print(f"FAIL - {what}\n--- terminal ---\n{shown}\n---")


def build(out, module):
    return ["build", "-o", out, "--module", module, "--signer",
            "pkcs11:token=SAST1"]


# The PIN prompt: names the token, no echo, and the build succeeds.
out = os.path.join(d, "tty.tlv")
rc, shown = session(build(out, softhsm), {},
                    [("PIN for token SAST1", pin + "\n")])
check("PIN prompt names the token", "PIN for token SAST1" in shown, shown)
check("the PIN is not echoed", pin not in shown, shown)
check("build with a typed PIN succeeds", rc == 0 and os.path.exists(out), shown)

# Final try: consent first, then the PIN.
out2 = os.path.join(d, "final.tlv")
rc, shown = session(build(out2, mock), {"MOCK_P11_FAULT": "final-try"},
                    [("Type yes", "yes\n"), ("PIN for token SAST1", pin + "\n")])
check("final try: a loud warning", "ONE more PIN try" in shown, shown)
check("final try: the consent comes before the PIN prompt",
      shown.find("Type yes") < shown.find("PIN for token"), shown)
check("final try with consent: build succeeds",
      rc == 0 and os.path.exists(out2), shown)

# Final try refused: no PIN asked, nothing written.
out3 = os.path.join(d, "refused.tlv")
rc, shown = session(build(out3, mock), {"MOCK_P11_FAULT": "final-try"},
                    [("Type yes", "no\n")])
check("final try refused: exit 1", rc == 1, shown)
check("final try refused: no PIN asked", "PIN for token" not in shown, shown)
check("final try refused: no file", not os.path.exists(out3), shown)

print("PASS" if failures == 0 else f"{failures} FAILED")
sys.exit(1 if failures else 0)
