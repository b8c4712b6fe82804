#!/bin/bash
# The publisher checks every UPLOAD_CTL itself, whatever the client did:
# a CTL signed by a key the phones do not know (not a SAST of the CTL
# they hold, and nothing TVS vouches for) is refused and changes
# nothing; with FORCE it goes through and the audit log says it was
# forced, by whom and why.  `ctlclient upload --force --reason` sends
# FORCE.
#   test_upload_check.sh CTLCLIENT CTLPUBLISHERD
CTL=$1 PUBD=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

make_cluster 3
host=${SERVER%:*} port=${SERVER#*:}
raw() { python3 "$here/rawclient.py" "$1" "$host" "$port" "$DIR/trust.pem" "$DIR/admin.password"; }
expect_rc 0 "tokenless set-mixed-mode" $CTL tokenless set-mixed-mode --yes $NET

NODES="cucm-pub cucm-sub1 cucm-sub2"
snapshot() {    # every node's CTL SHA1 and the cluster's modes
	local n
	for n in $NODES; do printf '%s=%s ' "$n" "$(node_sha1 "$n")"; done
	$CTL status --json $NET 2>/dev/null | python3 -c '
import json, sys
j = json.load(sys.stdin)
print(j["security_mode"], j["ctl_mode"], j["ctl_sha1"])'
}
last_audit() {  # the newest audit entry as JSON, of an upload when one is among the last 5
	$CTL audit --json --limit 5 $NET | python3 -c '
import json, sys
e = json.load(sys.stdin)["entries"]
up = [x for x in e if x["operation"].startswith("upload-ctl")]
print(json.dumps((up or e)[-1]))'
}
audited_forced() {      # SHA1 REASON WHAT: the newest upload entry says forced
	last_audit > "$WORK/audit.json"
	if python3 - "$WORK/audit.json" "$1" "$2" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
assert e["operation"] == "upload-ctl-forced", e
assert e["user"] == "admin", e
assert e["new_sha1"] == sys.argv[2], e
assert sys.argv[3] in e["message"], e
PY
	then pass "$3: audited as forced, by admin, with the reason"
	else fail "$3: the audit entry: $(cat "$WORK/audit.json")"; fi
}
stranger_ctl() {        # OUT CN: a valid CTL signed by a fresh key
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=$2" \
		-keyout "$WORK/$2.key" -out "$WORK/$2.pem" 2>/dev/null
	cat "$WORK/$2.key" "$WORK/$2.pem" > "$WORK/$2.signer"
	$CTL build -o "$1" --signer "$WORK/$2.signer" \
		--entry "role=CCM+TFTP,cert=$WORK/$2.pem,dns=x" >/dev/null
}
converged_on() {        # SHA1: within 10 s every node holds it
	local i n ok
	for i in $(seq 1 100); do
		ok=1
		for n in $NODES; do [ "$(node_sha1 "$n")" = "$1" ] || ok=0; done
		[ $ok -eq 1 ] && return 0
		sleep 0.1
	done
	return 1
}

stranger_ctl "$WORK/x.tlv" stranger
x_sha=$(sha1sum < "$WORK/x.tlv" | cut -d' ' -f1)
before=$(snapshot)
base=$(node_sha1 cucm-pub)

# A client that skips the preflight: the publisher refuses by itself.
out=$(RAW_FILE=$WORK/x.tlv RAW_BASE=$base raw upload 2>&1)
case $out in
"error 8:"*CN=stranger*Phone-SAST-trust*force*) pass "a raw upload of a stranger's CTL is refused: $out" ;;
*) fail "a raw upload of a stranger's CTL: $out" ;;
esac
# A catch-up runs every 2 s: give one the chance to spread anything.
sleep 2.5
after=$(snapshot)
if [ "$before" = "$after" ]; then pass "the refusal changed no node and no mode"; else
	fail "the refusal changed something: before [$before] after [$after]"
fi
last_audit > "$WORK/audit.json"
python3 - "$WORK/audit.json" <<'PY' && pass "the refusal is audited" || fail "the refusal's audit entry: $(cat "$WORK/audit.json")"
import json, sys
e = json.load(open(sys.argv[1]))
assert e["operation"] == "upload-ctl-refused" and e["user"] == "admin", e
assert e["new_sha1"] is None and "CN=stranger" in e["message"], e
PY

# The same with FORCE and a reason: taken, and audited as forced.
out=$(RAW_FILE=$WORK/x.tlv RAW_BASE=$base RAW_FORCE="raw test: stranger on purpose" raw upload 2>&1)
if [ "$out" = ok ]; then pass "a raw upload with FORCE is taken"; else fail "a raw upload with FORCE: $out"; fi
if converged_on "$x_sha"; then pass "every node holds the forced CTL"; else
	fail "the forced CTL is not on every node: $(snapshot)"
fi
audited_forced "$x_sha" "raw test: stranger on purpose" "the raw upload with FORCE"

# ctlclient upload --force --reason sends FORCE.
stranger_ctl "$WORK/y.tlv" stranger2
y_sha=$(sha1sum < "$WORK/y.tlv" | cut -d' ' -f1)
expect_rc 0 "ctlclient upload --force --reason" $CTL upload --force --reason "client test: second stranger" "$WORK/y.tlv" $NET
if converged_on "$y_sha"; then pass "every node holds the second forced CTL"; else
	fail "the second forced CTL is not on every node: $(snapshot)"
fi
audited_forced "$y_sha" "client test: second stranger" "ctlclient upload --force --reason"
finish
