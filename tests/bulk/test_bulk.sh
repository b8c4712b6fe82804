#!/bin/bash
# Bulk certificate management between two clusters over a real OpenSSH
# SFTP server on 127.0.0.1: the host key pinned on first use, export on
# both, consolidate on A, import on both, the trust stores and TVS of
# every node of A afterwards, the secrets kept out of every log, reply
# and audit entry; and each bad input refused with nothing changed.
# Usage: test_bulk.sh CTLCLIENT CTLPUBLISHERD
CTL=$1
PUBD=$2
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../cluster/lib.sh"
. "$HERE/sshd_lib.sh"

DIR_B=$WORK/cluster-b
bulk_cleanup() {
	[ -d "$DIR_B" ] && "$PUBD" stop "$DIR_B" >/dev/null 2>&1
	sshd_stop
	[ -n "${HUNG_PID:-}" ] && kill "$HUNG_PID" 2>/dev/null
	if [ "$FAILS" -ne 0 ]; then
		echo "--- sshd.log"; tail -n 10 "$WORK/sshd/sshd.log" 2>/dev/null
		[ -d "$DIR_B/nodes" ] && tail -n 10 "$DIR_B"/nodes/*/node.log
	fi
	cleanup
}
trap bulk_cleanup EXIT INT TERM

# new_cluster DIR NODES: a cluster of NODES nodes in DIR, started; prints
# the connection options.  The one place that says how a cluster is made,
# on a subnet of its own (each node serves TFTP on port 69 of its
# address).
new_cluster() {
	local dir=$1 nodes=$2 base net
	net=$(free_subnet "$SUBNET")
	base=$(free_base "$nodes" "$net")
	"$PUBD" init "$dir" --nodes "$nodes" --port "$base" --subnet "$net" \
		>"$WORK/init.log" 2>&1 || { cat "$WORK/init.log"; exit 1; }
	"$PUBD" start "$dir" >"$WORK/start.log" 2>&1 ||
		{ cat "$WORK/start.log"; exit 1; }
	echo "--server $net.2:$base --user admin --password-file $dir/admin.password --cafile $dir/trust.pem"
}

# node_tvs DIR NAME NET: --tvs and --tvs-ca for node NAME (-pub, -subN)
# of the cluster in DIR reached with NET (node N: NET's subnet .(2+N),
# TVS on the base port + 10 N + 1).
node_tvs() {
	local n base net
	net=$(sed -n 's/.*--server \([0-9.]*\)\.2:[0-9]*.*/\1/p' <<<"$3")
	base=$(sed -n 's/.*--server [0-9.]*:\([0-9]*\).*/\1/p' <<<"$3")
	case $2 in *-pub) n=0 ;; *) n=${2##*sub} ;; esac
	echo "--tvs $net.$((2 + n)):$((base + 10 * n + 1)) --tvs-ca $1/nodes/$2/TVS.pem --timeout-ms 3000"
}

# expect_fixed FILE TEXT DESCRIPTION: TEXT as it is (fingerprints hold '+').
expect_fixed() {
	if grep -qF -- "$2" "$1"; then pass "$3"; else
		fail "$3: '$2' not in $(basename "$1")"
		sed 's/^/    | /' "$1" | head -8
	fi
}

t0=$(date +%s)
sshd_start "$WORK/sshd" || { echo "cannot start sshd"; exit 1; }
NET_A=$(new_cluster "$DIR" 2)
NET_B=$(new_cluster "$DIR_B" 2)
PW=$SFTP_PASSWORD_FILE
SECRET=$(head -n1 "$PW")
B_CM=$DIR_B/nodes/cucm-pub/CallManager.pem

# What A's phones hold, and where they would ask: A's TVS servers in the
# order of their CallManager group.
"$CTL" rehearse $NET_A --snapshot "$WORK/a-held" >/dev/null 2>&1 ||
	fail "snapshot of A's files"
A_TVS=$(node_tvs "$DIR" cucm-pub "$NET_A" | awk '{print $2}'),$(node_tvs "$DIR" cucm-sub1 "$NET_A" | awk '{print $2}')
move_rehearsal() {   # A's phones pointed at B: B's TFTP, A's TVS
	"$CTL" rehearse $NET_B --installed "$WORK/a-held" --tvs "$A_TVS" \
		--phones 100 --models 8845 --timeout-ms 3000 --json
}
expect_rc 1 "before the exchange: A's phones moved to B reject B's ITL" move_rehearsal
expect_in "$WORK/out" '"tvs-invalid"' "... because A's TVS answers invalid"

# Before any import, A's TVS does not know B's CallManager.
expect_rc 1 "before: TVS of A does not vouch for B's CallManager" \
	"$CTL" tvs-query $(node_tvs "$DIR" cucm-pub "$NET_A") "$B_CM"

# --- setting up the SFTP server
expect_rc 1 "export before bulk sftp is refused" "$CTL" bulk export $NET_A
expect_in "$WORK/err" "bulk sftp" "... and says to run bulk sftp"
expect_rc 2 "a URL without a user is bad usage" \
	"$CTL" bulk sftp $NET_A --url "sftp://127.0.0.1:$SSHD_PORT/x" --sftp-password-file "$PW"
expect_rc 2 "--url without a password or key is bad usage" env \
	CTLCLIENT_PASSWORD="$(cat "$DIR/admin.password")" "$CTL" bulk sftp \
	${NET_A/--password-file $DIR\/admin.password/} --url "$SFTP_URL"
expect_rc 2 "an unreadable password file is exit 2" \
	"$CTL" bulk sftp $NET_A --url "$SFTP_URL" --sftp-password-file "$WORK/nope"
cp "$SFTP_KEY" "$WORK/open.key"; chmod 644 "$WORK/open.key"
expect_rc 2 "a private key others may read is refused" \
	"$CTL" bulk sftp $NET_B --url "$SFTP_URL" --key "$WORK/open.key" --yes
expect_in "$WORK/err" "chmod 600" "... saying how to fix it"
expect_rc 1 "no terminal and no --yes: the host key is not pinned" \
	"$CTL" bulk sftp $NET_A --url "$SFTP_URL" --sftp-password-file "$PW"
expect_fixed "$WORK/err" "$SSHD_HOSTKEY_FP" "... the fingerprint is shown"
expect_in "$WORK/err" "confirm with --yes" "... and how to confirm in a script"
[ ! -e "$DIR/bulk/sftp.conf" ] && pass "... nothing stored" || fail "settings stored without a pin"

printf 'wrong-password\n' >"$WORK/wrong.pw"; chmod 600 "$WORK/wrong.pw"
expect_rc 1 "a wrong SFTP password is refused" \
	"$CTL" bulk sftp $NET_A --url "$SFTP_URL" --sftp-password-file "$WORK/wrong.pw" --yes
expect_in "$WORK/err" "refused the password" "... saying the server refused it"
[ ! -e "$DIR/bulk/sftp.conf" ] && pass "... nothing stored" || fail "settings stored after a refused password"

# The issue's form: the last --password-file is the SFTP password.
expect_rc 0 "bulk sftp on A (password, --yes)" \
	"$CTL" bulk sftp $NET_A --url "$SFTP_URL" --password-file "$PW" --yes
cp "$WORK/out" "$WORK/sftp-a.out"
expect_in "$WORK/out" "pinned" "... the host key is pinned"
expect_rc 0 "bulk sftp on B (key)" \
	"$CTL" bulk sftp $NET_B --url "$SFTP_URL" --key "$SFTP_KEY" --yes --json
expect_fixed "$WORK/out" "\"auth\": \"key\"" "... key login"
expect_rc 0 "bulk sftp without --url shows the settings" "$CTL" bulk sftp $NET_A --json
expect_fixed "$WORK/out" "\"hostkey\": \"$SSHD_HOSTKEY_FP\"" "... with the pinned key"
[ "$(stat -c %a "$DIR/bulk/sftp.password")" = 600 ] && pass "the stored password is mode 0600" || fail "sftp.password mode $(stat -c %a "$DIR/bulk/sftp.password")"
[ "$(stat -c %a "$DIR_B/bulk/sftp.key")" = 600 ] && pass "the stored key is mode 0600" || fail "sftp.key mode"
[ "$(stat -c %a "$DIR/bulk")" = 700 ] && pass "DIR/bulk is mode 0700" || fail "DIR/bulk mode"

# --- nothing to consolidate or import yet
expect_rc 1 "import with nothing consolidated is refused" "$CTL" bulk import $NET_A
expect_in "$WORK/err" "bulk consolidate" "... saying to consolidate first"
expect_rc 0 "export on A" "$CTL" bulk export $NET_A --json
cp "$WORK/out" "$WORK/export-a.json"
ID_A=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cluster"])' "$WORK/export-a.json")
expect_rc 1 "consolidate with one cluster exported is refused" "$CTL" bulk consolidate $NET_A
expect_in "$WORK/err" "only one cluster" "... saying only one cluster exported"
[ ! -e "$SFTP_DATA/consolidated_all.p12" ] && pass "... and writes nothing" || fail "consolidated file written"

# --- the procedure
expect_rc 0 "export on B" "$CTL" bulk export $NET_B
ID_B=$(sed -n 's/^Exported (all) cluster \([^,]*\),.*/\1/p' "$WORK/out")
[ -n "$ID_A" ] && [ -n "$ID_B" ] && [ "$ID_A" != "$ID_B" ] && pass "the clusters have different ids ($ID_A, $ID_B)" || fail "cluster ids '$ID_A' '$ID_B'"
for c in "$ID_A" "$ID_B"; do for n in cucm-pub cucm-sub1; do
	f=$SFTP_DATA/${c}_${n}_all.p12
	if [ -f "$f" ] && openssl pkcs12 -in "$f" -passin pass:ctl-bulk-certificates -nokeys -info 2>/dev/null |
		grep -q "friendlyName: CallManager"; then pass "$(basename "$f") is PKCS12 with friendly names"
	else fail "$(basename "$f") missing or unreadable"; fi
done; done
ls -a "$SFTP_DATA" | grep -q '\.part$' && fail "a temporary file was left" || pass "no temporary file left"
expect_rc 0 "consolidate on A" "$CTL" bulk consolidate $NET_A
expect_in "$WORK/out" "consolidated_all.p12" "... names the file"
expect_rc 0 "import on A" "$CTL" bulk import $NET_A --json
cp "$WORK/out" "$WORK/import-a.json"
expect_rc 0 "import on B" "$CTL" bulk import $NET_B
expect_in "$WORK/out" "added" "... B reports what it added"
expect_rc 0 "import on A again" "$CTL" bulk import $NET_A --json
python3 - "$WORK/out" <<'PY' && pass "a second import finds everything already there" || fail "second import"
import json, sys
j = json.load(open(sys.argv[1]))
sys.exit(0 if j["added"] == 0 and j["already"] > 0 else 1)
PY

# --type tftp: the TFTP certificates only, on every step.
expect_rc 0 "export --type tftp on A" "$CTL" bulk export $NET_A --type tftp --json
python3 - "$WORK/out" <<'PY' && pass "... each node's tftp file holds CallManager, and ITLRecovery on the publisher, only" || fail "tftp export"
import json, sys
j = json.load(open(sys.argv[1]))
# ITLRecovery is the publisher's only: one file has it, the other not.
got = sorted(sorted(f["certificates"]) for f in j["files"])
sys.exit(0 if j["type"] == "tftp" and
         got == [["CallManager"], ["CallManager", "ITLRecovery"]] else 1)
PY
expect_rc 0 "export --type tftp on B" "$CTL" bulk export $NET_B --type tftp
expect_rc 0 "consolidate --type tftp on B" "$CTL" bulk consolidate $NET_B --type tftp
expect_in "$WORK/out" "consolidated_tftp.p12" "... writes consolidated_tftp.p12"
expect_rc 0 "import --type tftp on A" "$CTL" bulk import $NET_A --type tftp --json
python3 - "$WORK/out" <<'PY' && pass "... only CallManager and ITLRecovery, all there already" || fail "tftp import"
import json, sys
j = json.load(open(sys.argv[1]))
types = {c["type"] for c in j["certificates"]}
sys.exit(0 if types == {"CallManager", "ITLRecovery"} and j["added"] == 0 else 1)
PY

# The trust stores of A: B's certificates mapped as Cisco maps them,
# never A's own.
"$CTL" trust list $NET_A --json >"$WORK/trust-a.json" 2>"$WORK/err"
python3 - "$WORK/trust-a.json" "$DIR" "$DIR_B" <<'PY' && pass "A's trust stores hold B's certificates as mapped, none of A's" || fail "A's trust stores"
import json, subprocess, sys
trust, a, b = json.load(open(sys.argv[1]))["certificates"], sys.argv[2], sys.argv[3]
def sha1(path):
    out = subprocess.run(["openssl", "x509", "-in", path, "-noout", "-fingerprint", "-sha1"],
                         capture_output=True, text=True).stdout
    return out.split("=")[1].strip().replace(":", "").lower()
have = {(t["purpose"], t["sha1"]) for t in trust}
want = {"CallManager": ["Phone-SAST-trust", "CallManager-trust"],
        "ITLRecovery": ["Phone-SAST-trust", "CallManager-trust"],
        "CAPF": ["CallManager-trust"], "tomcat": ["tomcat-trust"]}
ok = True
for node in ("cucm-pub", "cucm-sub1"):
    for cert, stores in want.items():
        try:
            s = sha1(f"{b}/nodes/{node}/{cert}.pem")
        except IndexError:
            continue
        for st in stores:
            if (st, s) not in have:
                print("missing", node, cert, st); ok = False
        for t in trust:
            if t["sha1"] == s and t["purpose"] not in stores:
                print("extra store", node, cert, t["purpose"]); ok = False
        try:
            own = sha1(f"{a}/nodes/{node}/{cert}.pem")
        except IndexError:
            continue
        if any(t["sha1"] == own for t in trust):
            print("own certificate imported", node, cert); ok = False
sys.exit(0 if ok else 1)
PY

expect_rc 0 "bulk list --json" "$CTL" bulk list $NET_A --json
python3 - "$WORK/out" "$ID_A" "$ID_B" <<'PY' && pass "bulk list shows both clusters per node and the consolidated file" || fail "bulk list"
import json, sys
j, a, b = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
files = {(f.get("cluster"), f.get("node"), f["type"]) for f in j["files"]}
need = {(c, n, "all") for c in (a, b) for n in ("cucm-pub", "cucm-sub1")}
cons = [f for f in j["files"] if f["consolidated"] and f["file"] == "consolidated_all.p12"]
sys.exit(0 if need <= files and cons and j["cluster"] == a else 1)
PY

# TVS on every node of A vouches for B's CallManager with no restart:
# the trust stores are the state every node of the machine reads, and
# TVS looks at it about once a second (at most 5 s are allowed here).
tvs_valid() {   # NODE CERT
	local i
	for i in $(seq 25); do
		"$CTL" tvs-query $(node_tvs "$DIR" "$1" "$NET_A") "$2" \
			>/dev/null 2>&1 </dev/null && return 0
		sleep 0.2
	done
	return 1
}
for n in cucm-pub cucm-sub1; do
	tvs_valid "$n" "$B_CM" && pass "TVS of A's $n vouches for B's CallManager, no restart" ||
		fail "TVS of A's $n does not vouch for B's CallManager"
	tvs_valid "$n" "$DIR_B/nodes/cucm-sub1/CallManager.pem" &&
		pass "TVS of A's $n vouches for B's sub1 CallManager" ||
		fail "TVS of A's $n does not vouch for B's sub1 CallManager"
done
expect_rc 0 "after the exchange: A's phones moved to B take B's ITL through A's TVS" move_rehearsal
python3 - "$WORK/out" <<'PY' && pass "... all 100, via TVS" || fail "... not all via TVS"
import json, sys
j = json.load(open(sys.argv[1]))
sys.exit(0 if j["totals"]["itl"]["via_tvs"] == 100 and j["errors"] == 0 else 1)
PY
expect_rc 0 "audit log of A" "$CTL" audit $NET_A
expect_in "$WORK/out" "bulk-import" "... records the bulk import"
expect_in "$WORK/out" "bulk-sftp" "... and the SFTP setup"
cp "$WORK/out" "$WORK/audit-a.out"

# --- bad input; the stores and the files stay as they are
trust_sum() { "$CTL" trust list $NET_A --json 2>/dev/null | sha1sum; }
files_sum() { (cd "$SFTP_DATA" && ls -la --time-style=+%s . && cat ./*) | sha1sum; }
T0=$(trust_sum); F0=$(files_sum)

printf 'not a pkcs12 file\n' >"$SFTP_DATA/consolidated_tftp.p12"
expect_rc 1 "import of a file that is not PKCS12 is refused" "$CTL" bulk import $NET_A --type tftp
expect_in "$WORK/err" "consolidated_tftp.p12 is not a PKCS12" "... naming the file"
rm -f "$SFTP_DATA/consolidated_tftp.p12"
printf 'junk' >"$SFTP_DATA/zz-00000000_cucm-pub_all.p12"
cp "$SFTP_DATA/consolidated_all.p12" "$WORK/cons.before"
expect_rc 1 "consolidate with a stranger's file that is not PKCS12 is refused" "$CTL" bulk consolidate $NET_A
expect_in "$WORK/err" "zz-00000000_cucm-pub_all.p12 is not a PKCS12" "... naming the file"
cmp -s "$WORK/cons.before" "$SFTP_DATA/consolidated_all.p12" && pass "... the consolidated file is unchanged" || fail "consolidated file changed"
rm -f "$SFTP_DATA/zz-00000000_cucm-pub_all.p12"
[ "$(trust_sum)" = "$T0" ] && pass "the trust stores are unchanged" || fail "the trust stores changed"

sshd_kill
expect_rc 1 "export with the SFTP server down is refused" "$CTL" bulk export $NET_A
expect_in "$WORK/err" "cannot connect" "... saying it cannot connect"
sshd_restart_new_hostkey || exit 1
F0=$(files_sum)
expect_rc 1 "export to a server whose host key changed is refused" "$CTL" bulk export $NET_A
expect_fixed "$WORK/err" "$SSHD_HOSTKEY_FP" "... naming the new fingerprint"
expect_in "$WORK/err" "bulk sftp" "... and what to do"
expect_rc 1 "import from it is refused too" "$CTL" bulk import $NET_A
[ "$(files_sum)" = "$F0" ] && pass "... nothing written" || fail "files changed on the server"
[ "$(trust_sum)" = "$T0" ] && pass "... nothing imported" || fail "the trust stores changed"
expect_rc 1 "--yes does not pin a changed key" \
	"$CTL" bulk sftp $NET_A --url "$SFTP_URL" --sftp-password-file "$PW" --yes
expect_in "$WORK/err" "CHANGED" "... it warns that the key changed"
expect_rc 1 "--hostkey with another fingerprint is refused" \
	"$CTL" bulk sftp $NET_A --url "$SFTP_URL" --sftp-password-file "$PW" --hostkey SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
expect_rc 0 "--hostkey with the new fingerprint re-pins" \
	"$CTL" bulk sftp $NET_A --url "$SFTP_URL" --sftp-password-file "$PW" --hostkey "$SSHD_HOSTKEY_FP"
expect_rc 0 "... and export works again" "$CTL" bulk export $NET_A

# A server that accepts and never speaks: the request ends on a timeout.
HPORT=$(sshd_free_port)
python3 -c 'import socket,sys,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(4); c=[]
while True: c.append(s.accept()[0])' "$HPORT" &
HUNG_PID=$!
sleep 0.3
h0=$(date +%s)
expect_rc 1 "a server that hangs is given up on" \
	"$CTL" bulk sftp $NET_A --url "sftp://u@127.0.0.1:$HPORT/x" --sftp-password-file "$PW" --yes
[ $(( $(date +%s) - h0 )) -lt 30 ] && pass "... within 30 s" || fail "hung server held the request $(( $(date +%s) - h0 )) s"
kill "$HUNG_PID" 2>/dev/null; HUNG_PID=""

# --- the secret appears nowhere
if grep -rlF -- "$SECRET" "$DIR"/nodes/*/node.log "$DIR_B"/nodes/*/node.log \
	"$WORK"/*.out "$WORK"/*.json "$WORK/out" "$WORK/err" 2>/dev/null; then
	fail "the SFTP password appears in a log or an output"
else pass "the SFTP password is in no log, no reply, no audit entry"; fi
"$CTL" audit $NET_B >"$WORK/audit-b.out" 2>&1
grep -qF -- "$SECRET" "$WORK/audit-b.out" "$WORK/audit-a.out" && fail "password in the audit log" || pass "... nor in either audit log"
grep -q "PRIVATE KEY" "$DIR_B"/nodes/*/node.log "$WORK/audit-b.out" && fail "the key appears in a log" || pass "the SFTP key is in no log"

echo "took $(( $(date +%s) - t0 )) s"
finish
