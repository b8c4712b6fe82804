#!/bin/bash
# Rehearsals of a phone reset against live clusters (TFTP, TVS, ITL), on
# the cases of Cisco's documents: steady state; non-secure to tokenless mixed mode;
# a regenerated CallManager certificate in tokenless mode (TVS phones
# accept via TVS, 7960 only warns), compared with preflight; TVS servers
# that are down, slow and broken; the move to tokens without and with
# Phone-SAST-trust; Cisco's CallManager and TVS regenerated alone and
# together with an ITL signed by CallManager.
#   test_rehearse.sh CTLCLIENT CTLPUBLISHERD
# Exits 77 (skipped) when dnsmasq is missing or the cluster serves no
# ITLFile.tlv (the TFTP and ITL parts of ctlpublisherd are not there).
CTL=$1 PUBD=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../cluster/lib.sh"

need_tftpd

# --- cluster 1: three nodes, TVS speaks TLS 1.0 too (7900 series) ---
make_cluster 3 --tvs-tls 1.0
base=${SERVER##*:}
if ! curl -s -o /dev/null "tftp://$SUBNET.2/ITLFile.tlv"; then
	echo "SKIP: the cluster serves no ITLFile.tlv over TFTP"
	exit 77
fi

MODELS=8845:40,7975:30,7960:30

# rj FILE PYTHON-CONDITION DESCRIPTION: a condition on rehearse --json
# output; j is the object, m the models by name.
rj() {
	if python3 - "$1" "$2" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
m = {x["model"]: x for x in j["models"]}
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
	then pass "$3"; else
		fail "$3"
		python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
for x in j["models"]:
    for k in ("ctl", "itl"):
        c = x[k]
        print("    |", x["model"], k, {h: c[h] for h in ("direct", "first", "via_ctl", "via_tvs", "kept", "rejected") if c[h]}, c["reasons"])
        for w, e in c["examples"].items():
            print("    |   e.g.", e[:300])
' "$1" 2>/dev/null || head -c 2000 "$1"
	fi
}

# tvs_knows NODES CERT: wait (up to 15 s) until the TVS of each of the
# first NODES nodes presents its current certificate and vouches for CERT:
# the publisher reloads TVS after a change in the background.
tvs_knows() {
	local i name t
	for i in $(seq 0 $(($1 - 1))); do
		name=cucm-pub
		[ "$i" -gt 0 ] && name=cucm-sub$i
		for t in $(seq 75); do
			$CTL tvs-query --tvs "$SUBNET.$((2 + i)):$((base + 10 * i + 1))" \
				--tvs-ca "$DIR/nodes/$name/TVS.pem" --timeout-ms 2000 "$2" \
				>/dev/null 2>&1 && break
			sleep 0.2
		done
	done
}

# itl_everywhere NODES OLD: waits until every node's TFTP directory holds
# the publisher's ITL and it is no longer OLD (the ITL phones held): the
# publisher pushes a rebuilt ITL within its 2 s catch-up.
itl_everywhere() {
	local old pub name i ok t
	old=$(sha1sum <"$2" | cut -d' ' -f1)
	for t in $(seq 75); do
		pub=$(sha1sum <"$DIR/nodes/cucm-pub/tftp/ITLFile.tlv" | cut -d' ' -f1)
		ok=1
		[ "$pub" = "$old" ] && ok=0
		for i in $(seq 1 $(($1 - 1))); do
			name=cucm-sub$i
			[ "$(sha1sum <"$DIR/nodes/$name/tftp/ITLFile.tlv" | cut -d' ' -f1)" = "$pub" ] || ok=0
		done
		[ $ok -eq 1 ] && return 0
		sleep 0.2
	done
	fail "the new ITL did not reach every node within 15 s"
}

rehearse() {   # WANT DESCRIPTION ARGS...: rehearse --json into $WORK/r.json
	local want=$1 what=$2
	shift 2
	# 16 at a time: enough to exercise the workers, few enough for a
	# sanitizer-built TVS on a small host to keep up.
	expect_rc "$want" "$what" $CTL rehearse $NET --json --models $MODELS \
		--concurrency 16 --timeout-ms 5000 "$@"
	cp "$WORK/out" "$WORK/r.json"
}

# Steady state on a non-secure cluster: no CTL, the ITL taken directly.
rehearse 0 "steady state, non-secure" --phones 600
rj "$WORK/r.json" 'j["totals"]["rejected"] == 0 and j["errors"] == 0 and m["8845"]["itl"]["direct"] == 240 and m["7960"]["ctl"]["kept"] == 180 and j["tvs_queries"] == 0' \
	"every phone keeps no CTL and takes its ITL directly"

expect_rc 0 "snapshot of a non-secure cluster" $CTL rehearse $NET --snapshot "$WORK/s0"
[ ! -e "$WORK/s0/CTLFile.tlv" ] && [ -s "$WORK/s0/ITLFile.tlv" ] &&
	pass "snapshot: no CTL, an ITL" || fail "snapshot of a non-secure cluster"

# Non-secure to tokenless mixed mode: phones take their first CTL.
expect_rc 0 "tokenless set-mixed-mode" $CTL tokenless set-mixed-mode --yes $NET
rehearse 0 "first CTL" --installed "$WORK/s0" --phones 300
rj "$WORK/r.json" 'all(x["ctl"]["first"] == x["phones"] for x in j["models"]) and j["totals"]["rejected"] == 0' \
	"every phone takes the first CTL"

# Tokenless: regenerate the publisher's CallManager certificate.
expect_rc 0 "snapshot before regenerating" $CTL rehearse $NET --snapshot "$WORK/s1"
expect_rc 0 "regenerate cucm-pub's CallManager certificate" $PUBD regenerate "$DIR" --node cucm-pub
expect_rc 0 "migrate regenerate (tokenless)" $CTL migrate regenerate --yes $NET
cp "$WORK/out" "$WORK/preflight.out"
tvs_knows 3 "$DIR/nodes/cucm-pub/CallManager.pem"
expect_in "$WORK/preflight.out" "phones with TVS: +ACCEPT: accepted via TVS" "preflight: phones with TVS accept via TVS"
expect_in "$WORK/preflight.out" "phones without TVS \(7940/7960\): REJECT" "preflight: phones without TVS reject"
rehearse 0 "rehearsal agrees with preflight: TVS phones accept" --installed "$WORK/s1" --phones 900
rj "$WORK/r.json" 'm["8845"]["ctl"]["via_tvs"] == 360 and m["7975"]["ctl"]["via_tvs"] == 270 and m["8845"]["itl"]["rejected"] == 0' \
	"8845 and 7975 (TLS 1.0) take the CTL via TVS"
rj "$WORK/r.json" 'm["7960"]["ctl"]["reasons"] == {"unknown-signer-no-tvs": 270} and j["warnings"] == 270 and j["tvs_phones_rejecting"] == 0' \
	"7960 rejects (unknown signer, no TVS): warnings, as preflight says"
expect_rc 0 "the text report" $CTL rehearse $NET --installed "$WORK/s1" --phones 100 --models $MODELS
expect_in "$WORK/out" "WARNING: 30 phones without TVS" "the text report warns for 7960"
expect_in "$WORK/out" "PASS: every phone with TVS accepts" "the text report passes"

# tvs-query and verify --tvs against the cluster's TVS.
PUBTVS=$SUBNET.2:$((base + 1))
expect_rc 0 "tvs-query: the new CallManager certificate is valid" $CTL tvs-query \
	--tvs $PUBTVS --tvs-ca "$DIR/nodes/cucm-pub/TVS.pem" "$DIR/nodes/cucm-pub/CallManager.pem"
expect_in "$WORK/out" "VALID: roles .*CCM\+TFTP" "tvs-query names the roles"
expect_rc 0 "tvs-query --tls1.0 --json" $CTL tvs-query --tls1.0 --json --device CP-7975-SEP001122AABBCC \
	--tvs $PUBTVS --tvs-ca "$DIR/nodes/cucm-pub/TVS.pem" "$DIR/nodes/cucm-pub/CallManager.pem"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["valid"] and j["device"]=="CP-7975-SEP001122AABBCC" and j["ttl"] > 0 and "CCM+TFTP" in j["roles"], j' "$WORK/out" &&
	pass "tvs-query --json" || fail "tvs-query --json"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=intruder \
	-keyout "$WORK/i.key" -out "$WORK/i.pem" 2>/dev/null
expect_rc 1 "tvs-query: an unknown certificate is invalid" $CTL tvs-query \
	--tvs $PUBTVS --tvs-ca "$DIR/nodes/cucm-pub/TVS.pem" "$WORK/i.pem"
expect_in "$WORK/out" "INVALID" "tvs-query says invalid"
expect_rc 1 "tvs-query: a TVS not in the CA file" $CTL tvs-query \
	--tvs $PUBTVS --tvs-ca "$DIR/trust.pem" "$DIR/nodes/cucm-pub/CallManager.pem"
expect_in "$WORK/err" "not trusted" "tvs-query says why"
expect_rc 2 "tvs-query without --tvs-ca" $CTL tvs-query --tvs $PUBTVS "$WORK/i.pem"
curl -s -o "$WORK/new.tlv" "tftp://$SUBNET.2/CTLFile.tlv"
expect_rc 1 "verify: the new CTL's signer is unknown" $CTL verify "$WORK/new.tlv" --installed "$WORK/s1/CTLFile.tlv"
expect_rc 0 "verify --tvs: accepted via TVS" $CTL verify "$WORK/new.tlv" --installed "$WORK/s1/CTLFile.tlv" \
	--tvs $PUBTVS --tvs-ca "$DIR/nodes/cucm-pub/TVS.pem"
expect_in "$WORK/out" "accepted via TVS" "verify says accepted via TVS"
expect_rc 0 "verify --tvs --json" $CTL verify --json "$WORK/new.tlv" --installed "$WORK/s1/CTLFile.tlv" \
	--tvs $PUBTVS --tvs-ca "$DIR/nodes/cucm-pub/TVS.pem"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["accept"] and j["tvs"]["valid"] and j["tvs"]["server"], j' "$WORK/out" &&
	pass "verify --json has the tvs object" || fail "verify --json tvs object"
cat "$WORK/i.key" "$WORK/i.pem" > "$WORK/i.signer"
$CTL build -o "$WORK/i.tlv" --signer "$WORK/i.signer" >/dev/null || fail "build a CTL signed by an intruder"
expect_rc 1 "verify --tvs: an unknown signer stays rejected" $CTL verify "$WORK/i.tlv" --installed "$WORK/s1/CTLFile.tlv" \
	--tvs $PUBTVS --tvs-ca "$DIR/nodes/cucm-pub/TVS.pem"
expect_in "$WORK/out" "does not know the signer" "verify says TVS does not know it"
expect_rc 1 "verify --tvs: TVS down is a rejection" $CTL verify "$WORK/new.tlv" --installed "$WORK/s1/CTLFile.tlv" \
	--tvs $SUBNET.2:$((base + 9)) --tvs-ca "$DIR/nodes/cucm-pub/TVS.pem" --timeout-ms 1000
expect_in "$WORK/out" "TVS gave no answer" "verify says TVS gave no answer"

# Broken TVS servers (every phone asks the one given with --tvs).
TVSCERT=$DIR/nodes/cucm-pub/TVS.pem TVSKEY=$DIR/nodes/cucm-pub/TVS.key
for mode in down slow garbage; do
	rm -f "$WORK/$mode.port"
	python3 "$here/badtvs.py" $mode "$WORK/$mode.port" "$TVSCERT" "$TVSKEY" &
	[ $mode != down ] && BG_PIDS="$BG_PIDS $!"
	for _ in $(seq 50); do [ -s "$WORK/$mode.port" ] && break; sleep 0.1; done
done
broken() {   # MODE REASON
	local t0 t1
	t0=$(date +%s)
	expect_rc 1 "TVS $1: phones reject" $CTL rehearse $NET --json \
		--models 8845:1,7975:1 --phones 128 --concurrency 32 \
		--timeout-ms 2000 --installed "$WORK/s1" \
		--tvs "127.0.0.1:$(cat "$WORK/$1.port")"
	t1=$(date +%s)
	cp "$WORK/out" "$WORK/r.json"
	rj "$WORK/r.json" "m['8845']['ctl']['reasons'] == {'$2': 64} and m['7975']['ctl']['reasons'] == {'$2': 64} and j['errors'] == 128" \
		"TVS $1: every phone says $2"
	[ $((t1 - t0)) -le 30 ] && pass "TVS $1: done in $((t1 - t0)) s" ||
		fail "TVS $1: took $((t1 - t0)) s"
}
broken down tvs-unreachable
broken slow tvs-timeout
broken garbage tvs-garbage

# Tokenless to tokens without the tokens in Phone-SAST-trust (forced).
make_tokens
expect_rc 0 "snapshot before the move to tokens" $CTL rehearse $NET --snapshot "$WORK/s2"
$CTL build -o "$WORK/t1.tlv" --signer "$T1" --entry "role=SAST,cert=pkcs11:token=SAST2" \
	--entry "role=CCM+TFTP,cert=$DIR/nodes/cucm-pub/CallManager.pem,dns=cucm-pub" \
	--entry "role=CCM+TFTP,cert=$DIR/nodes/cucm-sub1/CallManager.pem,dns=cucm-sub1" \
	--entry "role=CCM+TFTP,cert=$DIR/nodes/cucm-sub2/CallManager.pem,dns=cucm-sub2" >/dev/null ||
	fail "build the token CTL"
expect_rc 1 "preflight: tokens without Phone-SAST-trust" $CTL preflight "$WORK/t1.tlv" $NET
expect_rc 0 "upload --force the token CTL" $CTL upload --force "$WORK/t1.tlv" $NET
rehearse 1 "rehearsal agrees with preflight: TVS phones reject" --installed "$WORK/s2" --phones 300
rj "$WORK/r.json" 'm["8845"]["ctl"]["reasons"] == {"tvs-invalid": 120} and m["7975"]["ctl"]["reasons"] == {"tvs-invalid": 90} and j["errors"] == 0' \
	"TVS does not know the token: tvs-invalid"
for t in SAST1 SAST2; do
	$CTL export-cert --token "pkcs11:token=$t" -o "$WORK/$t.pem" >/dev/null
	expect_rc 0 "upload $t as Phone-SAST-trust" $CTL trust upload --purpose Phone-SAST-trust "$WORK/$t.pem" $NET
done
tvs_knows 3 "$WORK/SAST1.pem"
rehearse 0 "tokens after Phone-SAST-trust: accepted" --installed "$WORK/s2" --phones 300
rj "$WORK/r.json" 'm["8845"]["ctl"]["via_tvs"] == 120 and m["7975"]["ctl"]["via_tvs"] == 90' \
	"the token CTL is taken via TVS"

# --- cluster 2 (Cisco's procedure): the ITL signed by CallManager ---
"$PUBD" stop "$DIR" >/dev/null 2>&1
rm -rf "$DIR"
make_cluster 2 --tvs-tls 1.0 --itl-signer CallManager
base=${SERVER##*:}
expect_rc 0 "Cisco's procedure: snapshot" $CTL rehearse $NET --snapshot "$WORK/s3"
expect_rc 0 "Cisco's procedure: regenerate only CallManager" $PUBD regenerate "$DIR" --node cucm-pub --cert CallManager
tvs_knows 2 "$DIR/nodes/cucm-pub/CallManager.pem"
itl_everywhere 2 "$WORK/s3/ITLFile.tlv"
rehearse 0 "Cisco's procedure: only CallManager: accepted" --installed "$WORK/s3" --phones 400
rj "$WORK/r.json" 'j["totals"]["rejected"] == 0 and m["8845"]["itl"]["via_tvs"] > 0 and m["8845"]["itl"]["via_tvs"] + m["8845"]["itl"]["direct"] == 160' \
	"Cisco's procedure: TVS (old certificate) vouches for the new CallManager"
expect_rc 0 "Cisco's procedure: snapshot again" $CTL rehearse $NET --snapshot "$WORK/s4"
expect_rc 0 "Cisco's procedure: regenerate CallManager" $PUBD regenerate "$DIR" --node cucm-pub --cert CallManager
expect_rc 0 "Cisco's procedure: and TVS of cucm-pub" $PUBD regenerate "$DIR" --node cucm-pub --cert TVS
expect_rc 0 "Cisco's procedure: and TVS of cucm-sub1" $PUBD regenerate "$DIR" --node cucm-sub1 --cert TVS
tvs_knows 2 "$DIR/nodes/cucm-pub/CallManager.pem"
itl_everywhere 2 "$WORK/s4/ITLFile.tlv"
rehearse 1 "Cisco's procedure: CallManager and TVS together: rejected" --installed "$WORK/s4" --phones 400
rj "$WORK/r.json" 'm["8845"]["itl"]["reasons"] == {"tvs-tls": 160} and m["7975"]["itl"]["reasons"] == {"tvs-tls": 120} and "not among" in m["8845"]["itl"]["examples"]["tvs-tls"]' \
	"Cisco's procedure: TVS presents a certificate the installed ITL does not hold"
finish
