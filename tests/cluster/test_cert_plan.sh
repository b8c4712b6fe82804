#!/bin/bash
# ctlclient cert plan against running clusters: the order of the steps
# on a mixed-mode tokenless cluster; --run of a safe plan with the
# phones rehearsed and fine afterwards; the refusals of the CUCM
# certificate regeneration procedure, plain and with --run, and the
# publisher's own refusal of a plain cert regenerate; --force audited;
# bad input.  Each refusal changes nothing.
#   test_cert_plan.sh CTLCLIENT CTLPUBLISHERD
CTL=$1 PUBD=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/cert_lib.sh"
need_tftpd

make_cluster 2
expect_rc 0 "tokenless mixed mode" "$CTL" tokenless set-mixed-mode --yes $NET
PHONES="--phones 12"

# The order: types that do not touch the phones first, the CTL update
# before the restarts in mixed mode, TVS last; publisher first.
expect_rc 0 "plan TVS,tomcat,CallManager" "$CTL" cert plan \
	--regenerate TVS,tomcat,CallManager --json $NET
python3 - "$WORK/out" <<'PY' && pass "... in the procedure's order" || { fail "... order"; head -c 3000 "$WORK/out"; }
import json, sys
j = json.load(open(sys.argv[1]))
p = j["plan"]
got = [(s["action"], s["type"], s["node"]) for s in p["steps"]]
want = [("regenerate", "Tomcat", "cucm-pub"), ("regenerate", "Tomcat", "cucm-sub1"),
        ("restart", "Tomcat", "cucm-pub"), ("restart", "Tomcat", "cucm-sub1"),
        ("regenerate", "CallManager", "cucm-pub"), ("regenerate", "CallManager", "cucm-sub1"),
        ("ctl-update", "CallManager", None),
        ("restart", "CallManager", "cucm-pub"), ("restart", "CallManager", "cucm-sub1"),
        ("reset-phones", "CallManager", None),
        ("regenerate", "TVS", "cucm-pub"), ("regenerate", "TVS", "cucm-sub1"),
        ("restart", "TVS", "cucm-pub"), ("restart", "TVS", "cucm-sub1"),
        ("reset-phones", "TVS", None)]
ok = got == want and j["ok"] and p["security_mode"] == 1 and \
    p["ctl_mode"] == "tokenless" and p["itl_signer"] == "ITLRecovery" and \
    p["itlrecovery_bits"] == 2048 and p["callmanager_bits"] == 2048 and \
    not any(s["done"] for s in p["steps"]) and \
    "CTIManager" in p["steps"][7]["services"]
if not ok:
    print(got)
sys.exit(0 if ok else 1)
PY
expect_rc 0 "plan, text" "$CTL" cert plan --regenerate callmanager --node cucm-sub1 $NET
expect_in "$WORK/out" "1\. regenerate CallManager on cucm-sub1" "... names the step"
expect_in "$WORK/out" "update the CTL" "... and the CTL update"

# Bad input: exit 2, a clear message, nothing changed.
snapshot >"$WORK/before"
bad() {         # DESCRIPTION REGEX ARGS...
	local what=$1 re=$2
	shift 2
	expect_rc 2 "bad input: $what" "$CTL" cert plan "$@"
	expect_in "$WORK/err" "$re" "... says why"
}
bad "unknown type" "unknown certificate type 'Foo'" --regenerate TVS,Foo --run --yes $NET
bad "unknown node" "no such node" --regenerate TVS --node cucm-sub9 --run --yes $NET
bad "a type the node lacks" "cucm-sub1 has no CAPF" --regenerate CAPF --node cucm-sub1 --run --yes $NET
bad "empty list" "empty type" --regenerate "" --run --yes $NET
bad "--force without --reason" "--force needs --reason" --regenerate TVS --force --run --yes $NET
bad "--run --json without --yes" "never asks" --regenerate Tomcat --run --json $NET
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if j["result"] == "bad_usage" and j["error"] else 1)' \
	"$WORK/out" && pass "... one JSON object says bad_usage" || fail "... JSON of the bad usage"
snapshot >"$WORK/after"
cmp -s "$WORK/before" "$WORK/after" && pass "bad input changed nothing" ||
	{ fail "bad input changed something"; diff "$WORK/before" "$WORK/after" | head; }

# --run of a safe plan: CallManager on every node, the CTL updated, the
# phones rehearsed after each step and fine.
ctl0=$(node_sha1 cucm-pub)
cm0=$(fp "$DIR/nodes/cucm-pub/CallManager.pem")
expect_rc 0 "--run CallManager" "$CTL" cert plan --regenerate CallManager --run --yes --json $PHONES $NET
cp "$WORK/out" "$WORK/run.json"
python3 - "$WORK/run.json" <<'PY' && pass "... every step done, the phones fine after each" || { fail "... run"; head -c 3000 "$WORK/run.json"; }
import json, sys
j = json.load(open(sys.argv[1]))
p = j["plan"]
st = p["steps"]
rehearsed = [s for s in st if s["phone_files"]]
ok = j["ok"] and j["result"] == "done" and all(s["done"] for s in st) and \
    p["stopped_at"] is None and p["rehearsal_before"]["tvs_rejecting"] == 0 and \
    len(rehearsed) == 3 and all(s["rehearsal"]["phones"] == 12 and
    s["rehearsal"]["tvs_rejecting"] == 0 and s["rehearsal"]["errors"] == 0
    for s in rehearsed) and j["ctl_sha1"]
sys.exit(0 if ok else 1)
PY
[ "$(node_sha1 cucm-pub)" != "$ctl0" ] && [ "$(node_sha1 cucm-sub1)" = "$(node_sha1 cucm-pub)" ] &&
	pass "... every node serves the updated CTL" || fail "... CTL not updated"
[ "$(fp "$DIR/nodes/cucm-pub/CallManager.pem")" != "$cm0" ] && pass "... a new CallManager certificate" ||
	fail "... CallManager kept"
expect_rc 0 "rehearse afterwards" "$CTL" rehearse $PHONES $NET
expect_in "$WORK/out" "PASS" "... every phone with TVS accepts"

# (b) the ITLRecovery key shorter than a CallManager key.  The
# publisher refuses the regeneration that would make it so ...
snapshot >"$WORK/before"
expect_rc 1 "publisher refuses a 4096-bit CallManager over a 2048-bit ITLRecovery" \
	"$CTL" cert regenerate --node cucm-sub1 --type CallManager --key rsa4096 --yes $NET
expect_in "$WORK/err" "ITLRecovery key \(2048 bits\) is shorter" "... says why"
snapshot >"$WORK/after"
cmp -s "$WORK/before" "$WORK/after" && pass "... nothing changed" || fail "... something changed"
# ... which the host's own command still does.
expect_rc 0 "host: a 4096-bit CallManager on cucm-sub1" "$PUBD" regenerate "$DIR" \
	--node cucm-sub1 --cert CallManager --key rsa4096
# The running publisher pushes the rebuilt ITL to cucm-sub1 by itself.
for i in $(seq 1 100); do
	set -- $(itl_sums)
	[ "$1" = "$2" ] && break
	sleep 0.1
done
[ "$1" = "$2" ] && pass "... every node serves the rebuilt ITL" || fail "... ITL not pushed"
snapshot >"$WORK/before"
expect_rc 1 "(b) plan CAPF refused" "$CTL" cert plan --regenerate CAPF $NET
expect_in "$WORK/err" "ITLRecovery key \(2048 bits\) is shorter than the CallManager keys \(4096" "... says why"
expect_rc 1 "(b) --run refused" "$CTL" cert plan --regenerate CAPF,Tomcat --run --yes $NET
expect_rc 1 "(b) a plain cert regenerate of TVS refused by the publisher" "$CTL" \
	cert regenerate --node cucm-pub --type TVS --yes $NET
expect_in "$WORK/err" "shorter than the CallManager key of cucm-sub1" "... says why"
expect_rc 0 "(b) Tomcat alone does not depend on recovery" "$CTL" cert plan --regenerate Tomcat $NET
snapshot >"$WORK/after"
cmp -s "$WORK/before" "$WORK/after" && pass "(b) the refusals changed nothing" ||
	{ fail "(b) a refusal changed something"; diff "$WORK/before" "$WORK/after" | head; }
# Forced: the publisher audits the reason.
expect_rc 0 "(b) forced: TVS of cucm-pub" "$CTL" cert plan --regenerate TVS --node cucm-pub \
	--run --yes $PHONES --force --reason "change 4711: TVS expires" $NET
"$CTL" audit $NET --limit 20 --json >"$WORK/audit.json" 2>&1
python3 - "$WORK/audit.json" <<'PY' && pass "... audited as cert-regenerate-forced with the reason" || { fail "... audit"; head -c 2000 "$WORK/audit.json"; }
import json, sys
e = json.load(open(sys.argv[1]))["entries"]
sys.exit(0 if any(x["operation"] == "cert-regenerate-forced" and
    "cucm-pub TVS" in x["message"] and "itlrecovery-key" in x["message"] and
    "change 4711: TVS expires" in x["message"] for x in e) else 1)
PY
# With ITLRecovery in the plan it comes first, as long as the
# CallManager keys, and the plan goes through.
expect_rc 0 "(b) ITLRecovery,CAPF: ITLRecovery first with a 4096-bit key" "$CTL" cert plan \
	--regenerate CAPF,ITLRecovery --run --yes --json $PHONES $NET
python3 -c '
import json, sys
j = json.load(open(sys.argv[1])); s = j["plan"]["steps"]
sys.exit(0 if j["ok"] and s[0]["type"] == "ITLRecovery" and s[0]["key"] == "rsa4096" and
    all(x["done"] for x in s) and j["plan"]["refused"] == [] else 1)' "$WORK/out" &&
	pass "... done, the phones fine" || { fail "... ITLRecovery first"; head -c 2000 "$WORK/out"; }
openssl x509 -in "$DIR/nodes/cucm-pub/ITLRecovery.pem" -noout -text | grep -q "4096 bit" &&
	pass "... ITLRecovery is RSA 4096" || fail "... ITLRecovery key"

# (a) CallManager and TVS together while CallManager signs the ITL:
# a cluster made as CUCM 8.x-11.5 makes it.
C2=$WORK/c2
base2=$(free_base 2 "$SUBNET2")
start_cluster "$C2" 2 "$base2" --subnet "$SUBNET2" --itl-signer CallManager
NET2="--server $SUBNET2.2:$base2 --user admin --password-file $C2/admin.password --cafile $C2/trust.pem"
snap2() {
	sha1sum "$C2"/nodes/*/*.pem "$C2"/nodes/*/tftp/ITLFile.tlv
	"$CTL" audit $NET2 --limit 1000 --json
}
snap2 >"$WORK/before" 2>&1
expect_rc 1 "(a) plan CallManager,TVS refused" "$CTL" cert plan --regenerate CallManager,TVS $NET2
expect_in "$WORK/err" "CallManager and TVS together while the ITL is signed by CallManager" "... says why"
expect_rc 1 "(a) --run refused" "$CTL" cert plan --regenerate CallManager,TVS --run --yes $NET2
expect_rc 1 "(a) --run --json refused" "$CTL" cert plan --regenerate CallManager,TVS --run --yes --json $NET2
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if j["result"] == "refused" and j["plan"]["refused"] == ["signer-and-tvs"] else 1)' \
	"$WORK/out" && pass "... the JSON names the rule" || fail "... JSON of the refusal"
snap2 >"$WORK/after" 2>&1
cmp -s "$WORK/before" "$WORK/after" && pass "(a) the refusals changed nothing" ||
	{ fail "(a) a refusal changed something"; diff "$WORK/before" "$WORK/after" | head; }
# Forced, the rehearsal stops the run after the step that strands the
# phones: the publisher's TVS, no longer the one of their ITL.
expect_rc 1 "(a) forced: the rehearsal stops the run" "$CTL" cert plan --regenerate CallManager,TVS \
	--run --yes --json $PHONES --force --reason "lab: show the stranding" $NET2
python3 - "$WORK/out" <<'PY' && pass "... after regenerate TVS on cucm-pub, the rest not run" || { fail "... stop"; head -c 3000 "$WORK/out"; }
import json, sys
j = json.load(open(sys.argv[1]))
p = j["plan"]
st = p["steps"][p["stopped_at"] - 1]
after = p["steps"][p["stopped_at"]:]
ok = j["result"] == "refused" and st["action"] == "regenerate" and \
    st["type"] == "TVS" and st["node"] == "cucm-pub" and st["done"] and \
    st["forced"] == "signer-and-tvs" and st["rehearsal"]["tvs_rejecting"] > 0 and \
    not any(s["done"] for s in after) and \
    "stopped after step" in j["error"]["message"] and "itl reset" in j["error"]["message"]
sys.exit(0 if ok else 1)
PY
"$CTL" audit $NET2 --limit 20 --json >"$WORK/audit.json" 2>&1
python3 - "$WORK/audit.json" <<'PY' && pass "... the forced TVS regeneration audited with the reason" || fail "... audit"
import json, sys
e = json.load(open(sys.argv[1]))["entries"]
sys.exit(0 if any(x["operation"] == "cert-regenerate-forced" and
    x["message"].startswith("cucm-pub TVS; forced (signer-and-tvs): lab: show the stranding")
    for x in e) else 1)
PY

finish
