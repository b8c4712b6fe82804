#!/bin/bash
# The exit status table of docs/user-guide.md, checked: for every row and
# every status it names, the command is run in a way that must end in
# that status, offline or against a local ctlpublisherd cluster with two
# SoftHSM eTokens.  A status the table names that this test cannot
# provoke, or a status provoked that the table does not name, fails too.
# Then every command is given a misspelt option, which must end in exit
# 2 with one line naming the option and --help.
#   test_exit_codes.sh CTLCLIENT CTLPUBLISHERD MKSEED SOURCE-DIR
CTL=$1 PUBD=$2 MKSEED=$3 SRC=$4
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../cluster/lib.sh"

# The table: "PROGRAM COMMAND STATUS" per line.
python3 - "$SRC/docs/user-guide.md" >"$WORK/table" <<'PY' || { echo "no exit status table"; exit 1; }
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"^\| command \| 0 \| 1 \| 2 \|\n\|[-| ]+\|\n((?:\|.*\n)+)", text, re.M)
if not m:
    sys.exit(1)
for row in m.group(1).splitlines():
    cells = [c.strip() for c in row.strip().strip("|").split("|")]
    prog_cmd = cells[0].strip("`")
    for code, what in zip((0, 1, 2), cells[1:]):
        if what and what not in ("-", "—"):
            print(prog_cmd, code)
PY
declare -A WANT DONE
while read -r prog cmd code; do WANT["$prog $cmd $code"]=1; done <"$WORK/table"
[ "${#WANT[@]}" -gt 40 ] && pass "the table names ${#WANT[@]} statuses" || fail "the table names only ${#WANT[@]} statuses"

# step STATUS PROGRAM COMMAND ARGS...: runs PROGRAM COMMAND ARGS and
# checks that it ends in STATUS, which the table must name.
step() {
	local code=$1 prog=$2 cmd=$3 exe
	shift 3
	[ "$prog" = ctlclient ] && exe=$CTL || exe=$PUBD
	if [ -z "${WANT[$prog $cmd $code]:-}" ]; then
		fail "$prog $cmd: exit $code is provoked here but the table does not name it"
	fi
	DONE["$prog $cmd $code"]=1
	expect_rc "$code" "$prog $cmd exits $code: $cmd $*" "$exe" "$cmd" "$@"
}

C=$WORK/certs
mkdir -p "$C"
"$MKSEED" "$C" >/dev/null || { echo "mkseed failed"; exit 1; }
make_tokens
cd "$WORK" || exit 1

# Offline: files.
entries=(--entry "role=CCM+TFTP,cert=$C/pub.pem,dns=cucm-1051-a-pub,ip=127.0.0.2"
	--entry "role=CAPF,cert=$C/capf.pem,dns=cucm-1051-a-pub")
step 0 ctlclient build -o foreign.tlv --signer "$C/pub.key.pem" "${entries[@]}"
step 1 ctlclient build -o x.tlv --signer "$C/pub.pem" "${entries[@]}"
step 2 ctlclient build -o x.tlv "${entries[@]}"
cp foreign.tlv tampered.tlv
printf '\x55' | dd of=tampered.tlv bs=1 seek=2000 conv=notrunc 2>/dev/null
head -c 3000 /dev/urandom >garbage.tlv
step 0 ctlclient show foreign.tlv
step 1 ctlclient show tampered.tlv
step 2 ctlclient show nosuch.tlv
step 2 ctlclient show garbage.tlv
step 0 ctlclient verify foreign.tlv --installed none
step 1 ctlclient verify tampered.tlv --installed foreign.tlv
step 2 ctlclient verify nosuch.tlv --installed foreign.tlv
step 2 ctlclient verify garbage.tlv --installed foreign.tlv
step 2 ctlclient verify foreign.tlv --installed garbage.tlv

# Offline: tokens (SoftHSM).
step 0 ctlclient tokens
step 1 ctlclient tokens --module "$WORK/no-such-module.so"
step 2 ctlclient tokens extra
step 0 ctlclient export-cert --token pkcs11:token=SAST1 -o sast1.pem
step 1 ctlclient export-cert --token pkcs11:token=NOSUCH -o x.pem
step 2 ctlclient export-cert --token pkcs11:token=SAST1
step 0 ctlclient wait-token --timeout 0
mkdir -p "$WORK/empty-tokens"
printf 'directories.tokendir = %s\n' "$WORK/empty-tokens" >"$WORK/empty.conf"
SOFTHSM2_CONF=$WORK/empty.conf step 1 ctlclient wait-token --timeout 0
step 2 ctlclient wait-token --timeout soon

# ctlpublisherd on a second, one-node cluster that is never started
# with start.
base2=$(free_base 1 "$SUBNET2")
step 0 ctlpublisherd init "$WORK/c2" --nodes 1 --port "$base2" --subnet "$SUBNET2"
step 2 ctlpublisherd init "$WORK/c2" --nodes 1 --port "$base2" --subnet "$SUBNET2"
step 1 ctlpublisherd init /proc/no-cluster-here --nodes 1
step 2 ctlpublisherd init "$WORK/c3" --nodes 99
step 0 ctlpublisherd regenerate "$WORK/c2" --node cucm-pub --cert CAPF
step 1 ctlpublisherd regenerate "$WORK/not-a-cluster" --node cucm-pub
step 2 ctlpublisherd regenerate "$WORK/c2" --node cucm-pub --cert Bogus
step 0 ctlpublisherd bundle "$WORK/c2" --node cucm-pub -o "$WORK/c2-pub.tar"
step 2 ctlpublisherd bundle "$WORK/c2" --node cucm-pub -o "$WORK/c2-pub.tar"
step 1 ctlpublisherd bundle "$WORK/c2" --node cucm-pub -o /proc/no-such-dir/pub.tar
step 2 ctlpublisherd run "$WORK/c2"
step 1 ctlpublisherd run "$WORK/not-a-cluster" --node cucm-pub
# run: stops with 0 on SIGTERM.
"$PUBD" run "$WORK/c2" --node cucm-pub >"$WORK/run.log" 2>&1 &
runpid=$!
BG_PIDS="$BG_PIDS $runpid"
for _ in $(seq 50); do
	python3 -c 'import socket,sys; socket.create_connection((sys.argv[2], int(sys.argv[1])), 0.2)' "$base2" "$SUBNET2.2" 2>/dev/null && break
	sleep 0.1
done
kill -TERM "$runpid"
wait "$runpid"
rc=$?
DONE["ctlpublisherd run 0"]=1
[ "$rc" -eq 0 ] && pass "ctlpublisherd run exits 0 on SIGTERM" || { fail "ctlpublisherd run: exit $rc on SIGTERM"; tail -3 "$WORK/run.log"; }
step 0 ctlpublisherd start "$WORK/c2"
step 0 ctlpublisherd stop "$WORK/c2"
step 1 ctlpublisherd start "$WORK/not-a-cluster"
step 1 ctlpublisherd stop "$WORK/not-a-cluster"
step 2 ctlpublisherd start
step 2 ctlpublisherd stop

# The network commands, on a 3-node cluster.
make_cluster 3
DOWN="--server 127.0.0.1:1 --password-file $DIR/admin.password --cafile $DIR/trust.pem --timeout 2"
TVS="--tvs $SUBNET.2:$((${SERVER##*:} + 1)) --tvs-ca $DIR/nodes/cucm-pub/TVS.pem --timeout-ms 3000"
step 0 ctlclient tvs-query $TVS "$DIR/nodes/cucm-sub1/CallManager.pem"
step 1 ctlclient tvs-query $TVS "$C/capf.pem"
step 2 ctlclient tvs-query $TVS "$WORK/no-such-cert.pem"
step 0 ctlclient status $NET
step 1 ctlclient status $DOWN
step 2 ctlclient status
step 0 ctlclient audit $NET
step 1 ctlclient audit $DOWN
step 2 ctlclient audit $NET extra
step 0 ctlclient trust list $NET
step 1 ctlclient trust delete --purpose Phone-SAST-trust 0000000000000000000000000000000000000000 $NET
step 2 ctlclient trust frobnicate $NET
step 0 ctlclient cert list $NET
step 1 ctlclient cert list $DOWN
step 2 ctlclient cert frobnicate $NET
# health: a fresh cluster is healthy; its node certificates end within
# ten years (a warning); a cluster that cannot be reached is not healthy.
step 0 ctlclient health $NET
step 1 ctlclient health --days 3650 $NET
step 2 ctlclient health $DOWN
step 2 ctlclient health --days 0 $NET
# bulk: stored SFTP settings are shown without reaching the server; the
# server they name (port 1) cannot be reached.
mkdir -p -m 700 "$DIR/bulk"
printf 'host 127.0.0.1\nport 1\nuser u\ndir /x\nauth password\nhostkey SHA256:x\n' >"$DIR/bulk/sftp.conf"
step 0 ctlclient bulk sftp $NET
step 1 ctlclient bulk export $NET
step 2 ctlclient bulk frobnicate $NET
step 1 ctlclient fetch -o cur.tlv $NET
step 2 ctlclient fetch $NET
step 0 ctlclient set-mixed-mode --token "$T1" --token "$T2" --yes $NET
step 1 ctlclient set-mixed-mode --token "$T1" --token "$T2" --yes $NET
step 2 ctlclient set-mixed-mode --token "$T1" $NET
step 0 ctlclient fetch -o cur.tlv $NET
step 0 ctlclient preflight cur.tlv $NET
step 1 ctlclient preflight foreign.tlv $NET
step 2 ctlclient preflight nosuch.tlv $NET
step 2 ctlclient preflight garbage.tlv $NET
step 0 ctlclient upload cur.tlv $NET
step 1 ctlclient upload foreign.tlv $NET
step 2 ctlclient upload nosuch.tlv $NET
step 2 ctlclient upload garbage.tlv $NET
step 0 ctlclient update --token "$T1" --yes $NET
step 1 ctlclient update --token "$T1" $NET
step 2 ctlclient update --token "$T1" --token "$T2" --yes $NET
step 0 ctlclient rehearse --phones 6 --models 8845:1,7960:1 --timeout-ms 2000 $NET
mkdir -p foreign bad
cp foreign.tlv foreign/CTLFile.tlv
cp garbage.tlv bad/CTLFile.tlv
step 1 ctlclient rehearse --installed foreign --phones 6 --models 8845:1 --tvs 127.0.0.1:1 --timeout-ms 2000 $NET
step 2 ctlclient rehearse --phones many $NET
step 2 ctlclient rehearse --installed bad --phones 6 --models 8845:1 --timeout-ms 2000 $NET
step 2 ctlclient rehearse --installed "$WORK/no-such-dir" --phones 6 --timeout-ms 2000 $NET
expect_rc 0 "snapshot of the cluster" "$CTL" rehearse --snapshot self $NET
step 0 ctlclient move-check --installed self --move-to self $NET
step 1 ctlclient move-check --installed self --move-to foreign $NET
step 2 ctlclient move-check --installed self --move-to bad $NET
step 0 ctlclient migrate to-tokenless --yes $NET
step 1 ctlclient migrate to-tokenless --yes $NET
step 2 ctlclient migrate frobnicate $NET
step 0 ctlclient tokenless update --yes $NET
step 1 ctlclient tokenless update $NET
step 2 ctlclient tokenless frobnicate $NET
step 0 ctlclient ctl reset localkey --yes $NET
step 1 ctlclient ctl reset localkey --yes $DOWN
step 2 ctlclient ctl reset sideways --yes $NET
step 0 ctlclient itl reset localkey --yes $NET
step 0 ctlclient itl reset done --yes $NET
step 1 ctlclient itl reset done --yes $NET
step 2 ctlclient itl reset remotekey --yes $NET
printf 'a long enough password\n' >p12.pw
chmod 600 p12.pw
step 0 ctlclient itl backup-recovery -o rec.p12 --p12-password-file p12.pw $NET
step 1 ctlclient itl backup-recovery -o rec2.p12 --p12-password-file p12.pw $DOWN
step 2 ctlclient itl backup-recovery -o rec.p12 --p12-password-file p12.pw $NET
step 1 ctlclient set-non-secure --token "$T1" --yes $NET
step 2 ctlclient set-non-secure --token "$T1" --add "role=TFTP,cert=$C/pub.pem" --yes $NET
expect_rc 0 "back to the tokens" "$CTL" migrate to-tokens --token "$T1" --token "$T2" --yes $NET
step 0 ctlclient set-non-secure --token "$T1" --yes $NET
step 1 ctlclient delete-ctl $NET
step 2 ctlclient delete-ctl $NET extra
step 0 ctlclient delete-ctl --yes $NET
step 0 ctlclient rollback-pre8 on --yes $NET
step 1 ctlclient rollback-pre8 off $NET
step 2 ctlclient rollback-pre8 maybe --yes $NET

# ctlclient and ctlpublisherd themselves.
expect_rc 2 "ctlclient without a command" "$CTL"
expect_rc 2 "ctlclient with an unknown command" "$CTL" frobnicate
expect_rc 2 "ctlpublisherd without a command" "$PUBD"
expect_rc 2 "ctlpublisherd with an unknown command" "$PUBD" frobnicate

# Every status the table names was provoked.
for key in "${!WANT[@]}"; do
	[ -n "${DONE[$key]:-}" ] || fail "the table names '$key' but no step provokes it"
done

# A misspelt option: exit 2, one line naming it and --help, no usage.
while read -r prog cmd code; do
	[ "$code" = 2 ] || continue
	[ "$prog" = ctlclient ] && exe=$CTL || exe=$PUBD
	"$exe" "$cmd" --jsn >"$WORK/out" 2>"$WORK/err" </dev/null
	rc=$?
	lines=$(wc -l <"$WORK/err")
	if [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] &&
	    grep -q -- "'--jsn'.*$prog $cmd --help" "$WORK/err"; then
		pass "$prog $cmd --jsn: exit 2, one line naming it and --help"
	else
		fail "$prog $cmd --jsn: exit $rc, $lines lines: $(head -c 160 "$WORK/err" | tr '\n' '/')"
	fi
done <"$WORK/table"

finish
