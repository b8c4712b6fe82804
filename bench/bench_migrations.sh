#!/bin/bash
# Cisco's documented migrations, each rehearsed on N phones (10,000 by default)
# against a live 3-node cluster, with preflight's verdict beside the
# rehearsal's:
#   1. non-secure -> mixed mode with eTokens        phones take their first CTL
#   2. eTokens -> tokenless                          TVS phones accept via TVS
#   3. tokenless -> eTokens, before Phone-SAST-trust (forced)   TVS phones reject
#   4. the same after the Phone-SAST-trust upload   TVS phones accept
#   5. tokenless, CallManager regenerated            TVS phones accept via TVS
#   6. ITL signed by CallManager (2 nodes), CallManager regenerated alone: accept
#   7. ... CallManager and TVS regenerated together (Cisco's procedure): reject
# Prints one line per scenario: exit status, phones, accepted, rejected,
# errors, phones per second.
#   bench_migrations.sh [--build DIR] [--phones N]
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$here/../build-bench
N=10000
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift 2 ;;
	--phones) N=$2; shift 2 ;;
	*) echo "usage: bench_migrations.sh [--build DIR] [--phones N]" >&2; exit 2 ;;
	esac
done
CTL=$build/ctlclient/ctlclient
PUBD=$build/publisher/ctlpublisherd
[ -x "$CTL" ] && [ -x "$PUBD" ] ||
	{ echo "build $build first (see bench_rehearse.py)" >&2; exit 2; }
. "$here/../tests/cluster/lib.sh"
MODELS=8845:40,7975:30,7960:30

scenario() {   # WANT NAME SNAPSHOT: rehearse N phones holding SNAPSHOT
	local want=$1 name=$2 snap=$3 rc
	"$CTL" rehearse $NET --json --phones "$N" --models $MODELS \
		--installed "$snap" >"$WORK/r.json" 2>"$WORK/r.err"
	rc=$?
	python3 - "$WORK/r.json" "$name" "$rc" "$want" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
t = j["totals"]
print(f"{sys.argv[2]:<52} exit {sys.argv[3]} (expected {sys.argv[4]})  "
      f"{j['phones']} phones: {t['accepted']} accept, {t['rejected']} reject, "
      f"{j['errors']} errors, {j['phones'] / (j['elapsed_ms'] / 1000):.0f} phones/s")
PY
	[ "$rc" -eq "$want" ] && pass "$name" || fail "$name: exit $rc"
}
pf() {   # preflight FILE: its verdict line for phones with TVS
	"$CTL" preflight "$1" $NET 2>/dev/null | grep -E "phones with TVS" | sed 's/^ */    preflight: /'
}
snap() { "$CTL" rehearse $NET --snapshot "$WORK/$1" >/dev/null; }
wait_tvs() {   # TVS looks for changes every second, the ITL push every 2 s
	sleep 5
}

make_cluster 3 --tvs-tls 1.0
make_tokens
snap s1
"$CTL" set-mixed-mode --token "$T1" --token "$T2" --yes $NET >/dev/null
wait_tvs
scenario 0 "1. non-secure -> eTokens" "$WORK/s1"

snap s2
"$CTL" migrate to-tokenless --yes $NET | grep -E "phones with TVS" | sed 's/^ */    preflight: /'
wait_tvs
scenario 0 "2. eTokens -> tokenless" "$WORK/s2"

snap s3
for h in $("$CTL" trust list --purpose Phone-SAST-trust $NET 2>/dev/null | grep -oE '\b[0-9a-f]{40}\b'); do
	"$CTL" trust delete --purpose Phone-SAST-trust "$h" $NET >/dev/null
done
"$CTL" build -o "$WORK/early.tlv" --signer "$T1" --entry "role=SAST,cert=pkcs11:token=SAST2" \
	--entry "role=CCM+TFTP,cert=$DIR/nodes/cucm-pub/CallManager.pem,dns=cucm-pub" \
	--entry "role=CCM+TFTP,cert=$DIR/nodes/cucm-sub1/CallManager.pem,dns=cucm-sub1" \
	--entry "role=CCM+TFTP,cert=$DIR/nodes/cucm-sub2/CallManager.pem,dns=cucm-sub2" >/dev/null
pf "$WORK/early.tlv"
"$CTL" upload --force "$WORK/early.tlv" $NET >/dev/null 2>&1
wait_tvs
scenario 1 "3. tokenless -> eTokens before Phone-SAST-trust" "$WORK/s3"

for t in SAST1 SAST2; do
	"$CTL" export-cert --token "pkcs11:token=$t" -o "$WORK/$t.pem" >/dev/null
	"$CTL" trust upload --purpose Phone-SAST-trust "$WORK/$t.pem" $NET >/dev/null
done
wait_tvs
scenario 0 "4. tokenless -> eTokens after Phone-SAST-trust" "$WORK/s3"

"$CTL" migrate to-tokenless --yes $NET >/dev/null
snap s5
"$PUBD" regenerate "$DIR" --node cucm-pub >/dev/null
"$CTL" migrate regenerate --yes $NET | grep -E "phones with TVS" | sed 's/^ */    preflight: /'
wait_tvs
scenario 0 "5. tokenless, CallManager regenerated" "$WORK/s5"

"$PUBD" stop "$DIR" >/dev/null 2>&1
rm -rf "$DIR"
make_cluster 2 --tvs-tls 1.0 --itl-signer CallManager
snap s6
"$PUBD" regenerate "$DIR" --node cucm-pub --cert CallManager >/dev/null
wait_tvs
scenario 0 "6. ITL by CallManager: CallManager regenerated" "$WORK/s6"
snap s7
"$PUBD" regenerate "$DIR" --node cucm-pub --cert CallManager >/dev/null
"$PUBD" regenerate "$DIR" --node cucm-pub --cert TVS >/dev/null
"$PUBD" regenerate "$DIR" --node cucm-sub1 --cert TVS >/dev/null
wait_tvs
scenario 1 "7. ITL by CallManager: CallManager and TVS (Cisco's procedure)" "$WORK/s7"
finish
