#!/bin/bash
# --json on every command that changes the cluster, against a real
# two-node cluster with SoftHSM eTokens: standard output holds one JSON
# object and nothing else (what is printed for people goes to standard
# error), with the operation, ok, result, the new CTL's SHA1, the nodes'
# results and the error; --json without --yes is refused, in JSON,
# before anything changes.  The cluster is stopped at the end, pass or
# fail.
#   test_json_cli.sh CTLCLIENT CTLPUBLISHERD
CTL=$1 PUBD=$2
. "$(dirname "$0")/../cluster/lib.sh"

make_tokens
make_cluster 2

# js WANT-RC DESCRIPTION PYTHON-CONDITION ARGS...: ctlclient ARGS; the
# exit status, stdout one JSON object j for which the condition holds;
# sha1 is the publisher's CTLFile.tlv SHA1 after the command.
js() {
	local want=$1 what=$2 cond=$3
	shift 3
	expect_rc "$want" "$what" $CTL "$@"
	if python3 - "$WORK/out" "$cond" "$(node_sha1 cucm-pub)" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
j = json.loads(text)                 # one object, nothing else
sha1 = sys.argv[3]
for k in ("operation", "ok", "result", "server", "ctl_sha1", "security_mode",
          "nodes", "nodes_failed", "steps", "error"):
    assert k in j, k
for n in j["nodes"]:
    assert set(n) == {"name", "filename", "passed", "message"}, n
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
	then pass "$what: the JSON"; else
		fail "$what: the JSON"; sed 's/^/    | /' "$WORK/out" | head -30
	fi
}
OK='j["ok"] and j["result"] == "done" and j["error"] is None and j["nodes_failed"] == 0 and [n["name"] for n in j["nodes"]] == ["cucm-pub", "cucm-sub1"] and all(n["passed"] for n in j["nodes"])'

# --- refused before anything changes ---
js 2 "delete-ctl --json without --yes" \
	'not j["ok"] and j["result"] == "bad_usage" and "--yes" in j["error"]["message"] and j["error"]["code"] < 0 and j["nodes"] == []' \
	delete-ctl --json $NET
js 2 "tokenless set-mixed-mode --json without --yes" \
	'j["operation"] == "tokenless set-mixed-mode" and j["result"] == "bad_usage"' \
	tokenless set-mixed-mode --json $NET
js 2 "set-mixed-mode --json without --token" \
	'j["result"] == "bad_usage" and "--token" in j["error"]["message"]' \
	set-mixed-mode --json --yes $NET
js 2 "a bad option after --json" 'j["result"] == "bad_usage"' \
	upload --json --base-sha1 xyz "$WORK/none.tlv" $NET
[ "$(node_sha1 cucm-pub)" = none ] && pass "nothing changed" || fail "a refused command changed the CTL"

# --- tokenless ---
js 0 "tokenless set-mixed-mode --json" \
	"$OK"' and j["operation"] == "tokenless set-mixed-mode" and j["ctl_sha1"] == sha1 and j["security_mode"] == 1 and [s["step"] for s in j["steps"]] == ["tokenless"]' \
	tokenless set-mixed-mode --json --yes $NET
expect_in "$WORK/err" "cucm-sub1 +CTLFile.tlv +Passed" "the per-node lines went to standard error"
js 0 "tokenless update --json" \
	"$OK"' and j["ctl_sha1"] == sha1 and j["security_mode"] is None' \
	tokenless update --json --yes $NET
expect_rc 0 "regenerate cucm-pub's CallManager certificate" $PUBD regenerate "$DIR" --node cucm-pub
js 0 "migrate regenerate --json (tokenless)" \
	"$OK"' and j["operation"] == "migrate regenerate" and j["ctl_sha1"] == sha1' \
	migrate regenerate --json --yes $NET

# --- to tokens, update, upload, back ---
js 0 "migrate to-tokens --json" \
	"$OK"' and j["operation"] == "migrate to-tokens" and j["ctl_sha1"] == sha1 and [s["step"] for s in j["steps"]] == ["delete_ctl", "upload_ctl"]' \
	migrate to-tokens --json --token "$T1" --token "$T2" --yes $NET
js 0 "update --json" "$OK"' and j["operation"] == "update" and j["ctl_sha1"] == sha1' \
	update --json --token "$T1" --yes $NET
cp "$DIR/nodes/cucm-pub/tftp/CTLFile.tlv" "$WORK/current.tlv"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=stranger \
	-keyout "$WORK/s.key" -out "$WORK/s.pem" 2>/dev/null
cat "$WORK/s.key" "$WORK/s.pem" >"$WORK/s.signer"
$CTL build -o "$WORK/stranger.tlv" --signer "$WORK/s.signer" \
	--entry "role=CCM+TFTP,cert=$WORK/s.pem,dns=x" >/dev/null
before=$(node_sha1 cucm-pub)
js 1 "upload --json of a CTL the phones would reject" \
	'not j["ok"] and j["result"] == "refused" and j["error"]["message"] and j["ctl_sha1"] is None and j["nodes"] == []' \
	upload --json "$WORK/stranger.tlv" $NET
[ "$(node_sha1 cucm-pub)" = "$before" ] && pass "the refused upload changed nothing" || fail "the CTL changed"
js 1 "upload --json with a stale base" \
	'j["result"] == "refused" and "changed since" in j["error"]["message"]' \
	upload --json --base-none "$WORK/current.tlv" $NET
js 0 "upload --json" "$OK"' and j["operation"] == "upload" and j["ctl_sha1"] == sha1 and [s["step"] for s in j["steps"]] == ["upload_ctl"]' \
	upload --json "$WORK/current.tlv" $NET
js 0 "set-non-secure --json" "$OK"' and j["operation"] == "set-non-secure" and j["security_mode"] == 0' \
	set-non-secure --json --token "$T1" --yes $NET
js 0 "delete-ctl --json" "$OK"' and j["operation"] == "delete-ctl" and j["ctl_sha1"] is None and [s["step"] for s in j["steps"]] == ["delete_ctl"]' \
	delete-ctl --json --yes $NET
js 0 "set-mixed-mode --json" "$OK"' and j["operation"] == "set-mixed-mode" and j["security_mode"] == 1 and j["ctl_sha1"] == sha1' \
	set-mixed-mode --json --token "$T1" --token "$T2" --yes $NET
js 0 "migrate to-tokenless --json" "$OK"' and j["operation"] == "migrate to-tokenless" and j["ctl_sha1"] == sha1' \
	migrate to-tokenless --json --yes $NET
js 1 "migrate to-tokenless --json twice: refused" \
	'not j["ok"] and j["result"] == "refused" and "tokenless already" in j["error"]["message"]' \
	migrate to-tokenless --json --yes $NET

# --- rollback-pre8, itl reset, ctl reset: the same object ---
ITL='__import__("hashlib").sha1(open("'"$DIR"'/nodes/cucm-pub/tftp/ITLFile.tlv", "rb").read()).hexdigest()'
js 2 "rollback-pre8 on --json without --yes" \
	'j["operation"] == "rollback-pre8" and j["result"] == "bad_usage" and "--yes" in j["error"]["message"] and j["rollback_pre8"] is True' \
	rollback-pre8 on --json $NET
js 0 "rollback-pre8 on --json" \
	"$OK"' and j["operation"] == "rollback-pre8" and j["rollback_pre8"] is True and j["itl_sha1"] == '"$ITL"' and [s["step"] for s in j["steps"]] == ["itl"]' \
	rollback-pre8 on --json --yes $NET
js 0 "rollback-pre8 off --json" "$OK"' and j["rollback_pre8"] is False and j["itl_sha1"] == '"$ITL" \
	rollback-pre8 off --json --yes $NET
js 1 "rollback-pre8 --json, a server that cannot be reached" \
	'j["operation"] == "rollback-pre8" and j["result"] == "failed" and j["server"] is None and j["itl_sha1"] is None' \
	rollback-pre8 on --json --yes --server 127.0.0.1:1 --timeout 2
js 2 "itl reset localkey --json without --yes" \
	'j["operation"] == "itl-reset" and j["action"] == "localkey" and j["result"] == "bad_usage"' \
	itl reset localkey --json $NET
js 0 "itl reset localkey --json" \
	"$OK"' and j["operation"] == "itl-reset" and j["action"] == "localkey" and j["itl_sha1"] == '"$ITL"' and [s["step"] for s in j["steps"]] == ["itl"]' \
	itl reset localkey --json --yes $NET
js 0 "itl reset done --json" "$OK"' and j["action"] == "done" and j["itl_sha1"] == '"$ITL" \
	itl reset done --json --yes $NET
: >"$WORK/empty.p12"
js 2 "itl reset remotekey --json with the password to be asked" \
	'j["result"] == "bad_usage" and "--p12-password-file" in j["error"]["message"]' \
	itl reset remotekey --p12 "$WORK/empty.p12" --json --yes $NET
js 2 "itl backup-recovery --json with the password to be asked" \
	'j["operation"] == "itl-backup-recovery" and j["result"] == "bad_usage" and j["cert_sha1"] is None' \
	itl backup-recovery -o "$WORK/backup.p12" --json $NET
[ ! -e "$WORK/backup.p12" ] && pass "no backup written" || fail "a backup was written"
printf 'backup-password\n' >"$WORK/p12.pw" && chmod 600 "$WORK/p12.pw"
js 0 "itl backup-recovery --json" \
	'j["ok"] and j["output"].endswith("backup.p12") and len(j["cert_sha1"]) == 40' \
	itl backup-recovery -o "$WORK/backup.p12" --p12-password-file "$WORK/p12.pw" --json $NET
js 2 "ctl reset localkey --json without --yes" \
	'j["operation"] == "ctl-reset" and j["action"] == "localkey" and j["result"] == "bad_usage"' \
	ctl reset localkey --json $NET
js 0 "ctl reset localkey --json" \
	'j["ok"] and j["operation"] == "ctl-reset" and j["ctl_sha1"] == sha1' \
	ctl reset localkey --json --yes $NET

js 0 "tokenless set-non-secure --json" "$OK"' and j["security_mode"] == 0' \
	tokenless set-non-secure --json --yes $NET
js 1 "a server that cannot be reached" \
	'j["result"] == "failed" and j["server"] is None and j["error"]["message"]' \
	delete-ctl --json --yes --server 127.0.0.1:1 --timeout 2

finish
