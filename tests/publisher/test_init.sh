#!/bin/bash
# ctlpublisherd init on the command line: usage, the files it makes and
# their modes, refusals that leave nothing behind, and a key file that
# ctlclient can sign with.
# usage: test_init.sh CTLPUBLISHERD CTLCLIENT
PUBD=$1
CTL=$2
. "$(dirname "$0")/../cli/lib.sh"

mode() { stat -c %a "$1"; }
expect_mode() {
	if [ "$(mode "$1")" = "$2" ]; then pass "$1 is $2"; else
		fail "$1: mode $(mode "$1"), expected $2"; fi
}

expect_rc 0 "--help" "$PUBD" --help
expect_in "$WORK/out" "init" "--help lists init"
expect_rc 0 "init --help" "$PUBD" init --help
expect_in "$WORK/out" "usage: ctlpublisherd init DIR" "init --help prints usage"
expect_rc 2 "no command" "$PUBD"
expect_rc 2 "unknown command" "$PUBD" frobnicate
expect_rc 2 "init without DIR" "$PUBD" init
expect_rc 2 "init with two DIRs" "$PUBD" init "$WORK/a" "$WORK/b"

# Out of range: usage errors, and nothing made.
for bad in 0 17 -1 abc 3x ""; do
	expect_rc 2 "--nodes '$bad' refused" "$PUBD" init "$WORK/bad" --nodes "$bad"
done
for bad in 0 65536 65400 -5 x; do
	expect_rc 2 "--port '$bad' refused" "$PUBD" init "$WORK/bad" --port "$bad"
done
if ls -d "$WORK"/bad* >/dev/null 2>&1; then fail "a refused init left files"; else
	pass "refused inits left nothing"; fi

# The default cluster: three nodes, base port 2444.
C="$WORK/cluster"
expect_rc 0 "init with defaults" "$PUBD" init "$C"
expect_in "$WORK/out" "^cluster of 3 nodes in " "reports three nodes"
expect_in "$WORK/out" "cucm-pub +publisher +127\.0\.0\.2 +ctl 2444, tvs 2445, distribution 2446" "publisher line"
expect_in "$WORK/out" "cucm-sub2 +subscriber +127\.0\.0\.4 +ctl 2464" "second subscriber line"
expect_in "$WORK/out" "admin.password" "names the password file"
if grep -qF "$(cat "$C/admin.password")" "$WORK/out" "$WORK/err"; then
	fail "the password was printed"; else pass "the password is not printed"; fi
expect_mode "$C" 700
for f in admin.password state.db cluster-ca.key; do expect_mode "$C/$f" 600; done
for f in trust.pem cluster-ca.pem; do expect_mode "$C/$f" 644; done
n=$(find "$C/nodes" -name '*.key' | wc -l)
[ "$n" = 23 ] && pass "23 key files (9 on the publisher, 7 on each subscriber)" || fail "$n key files"
bad=$(find "$C/nodes" -name '*.key' ! -perm 600)
[ -z "$bad" ] && pass "every key file is 0600" || fail "not 0600: $bad"
for node in cucm-pub cucm-sub1 cucm-sub2; do
	[ -d "$C/nodes/$node/tftp" ] && pass "$node has a TFTP directory" ||
		fail "$node has no TFTP directory"
done
len=$(wc -c <"$C/admin.password")
[ "$len" = 20 ] && pass "password of 20 characters" || fail "password of $len"
if ls -d "$WORK"/cluster.tmp-* >/dev/null 2>&1; then fail "temporary directory left"; else
	pass "no temporary directory left"; fi

# The TLS certificates chain to trust.pem.
if command -v openssl >/dev/null; then
	expect_rc 0 "tomcat certificates verify against trust.pem" \
		openssl verify -CAfile "$C/trust.pem" "$C"/nodes/*/tomcat.pem
	expect_rc 0 "client certificates verify against trust.pem" \
		openssl verify -purpose sslclient -CAfile "$C/trust.pem" "$C"/nodes/*/client.pem
	expect_rc 0 "the publisher's TLS certificate names 127.0.0.1" \
		openssl x509 -in "$C/nodes/cucm-pub/tomcat.pem" -noout -ext subjectAltName
	expect_in "$WORK/out" "IP Address:127.0.0.1" "SAN holds 127.0.0.1"
fi

# A second init into the same directory: refused, nothing changed.
sum=$(cat "$C"/state.db "$C"/nodes/*/*.pem | md5sum)
expect_rc 2 "init over a cluster refused" "$PUBD" init "$C" --nodes 1
expect_in "$WORK/err" "already holds a cluster" "says why"
[ "$sum" = "$(cat "$C"/state.db "$C"/nodes/*/*.pem | md5sum)" ] &&
	pass "the cluster is unchanged" || fail "the cluster changed"

# The CallManager key file holds key and certificate: ctlclient signs
# with it, as the tokenless CTL is signed.
P="$C/nodes/cucm-pub"
expect_rc 0 "ctlclient builds a CTL signed with the CallManager key" \
	"$CTL" build -o "$WORK/ctl.tlv" --signer "$P/CallManager.key" \
	--entry "role=SAST,cert=$P/CallManager.pem,dns=cucm-pub,ip=127.0.0.2" \
	--entry "role=CCM+TFTP,cert=$P/CallManager.pem,dns=cucm-pub,ip=127.0.0.2" \
	--entry "role=CAPF,cert=$P/CAPF.pem,dns=cucm-pub,ip=127.0.0.2"
expect_rc 0 "ctlclient show verifies it" "$CTL" show "$WORK/ctl.tlv"

# A one-node cluster on another port, into an empty directory.
mkdir "$WORK/one"
expect_rc 0 "init --nodes 1 --port 3000 into an empty directory" \
	"$PUBD" init "$WORK/one" --nodes 1 --port 3000
expect_in "$WORK/out" "^cluster of 1 node in " "reports one node"
expect_in "$WORK/out" "ctl 3000, tvs 3001, distribution 3002" "ports from 3000"
expect_mode "$WORK/one" 700

# The upper bounds together: 16 nodes, the highest base port; the last
# node's distribution port is 65535.
expect_rc 0 "init --nodes 16 --port 65382" \
	"$PUBD" init "$WORK/big" --nodes 16 --port 65382
expect_in "$WORK/out" "^cluster of 16 nodes in " "reports sixteen nodes"
expect_in "$WORK/out" "cucm-sub15 +subscriber +127\.0\.0\.17 +ctl 65532, tvs 65533, distribution 65534, tftp 69" "last node's ports"


# --prefix and --subnet: bad values refused with the option named, and
# nothing made.
for bad in "" -lab lab- "lab_x" "lab.x" "a b" "$(printf 'x%.0s' $(seq 41))"; do
	expect_rc 2 "--prefix '$bad' refused" "$PUBD" init "$WORK/badp" --prefix "$bad"
	expect_in "$WORK/err" "--prefix" "--prefix '$bad': the message names the option"
done
for bad in "" 10.0.0 127.0 127.0.0.0 127.256.0 127.0.256 127.00.5 127.0.-1 \
	127.0.5. 127.a.5 " 127.0.5" 128.0.5; do
	expect_rc 2 "--subnet '$bad' refused" "$PUBD" init "$WORK/bads" --subnet "$bad"
	expect_in "$WORK/err" "--subnet" "--subnet '$bad': the message names the option"
done
if ls -d "$WORK"/badp* "$WORK"/bads* >/dev/null 2>&1; then
	fail "a refused --prefix/--subnet left files"; else
	pass "refused --prefix/--subnet left nothing"; fi

# A prefixed cluster on another loopback subnet: names and addresses in
# the report, the state, and the certificates (CN and SAN); the longest
# prefix fits; 127.255.255 is the last subnet.
expect_rc 0 "init --prefix lab-b --subnet 127.0.5" \
	"$PUBD" init "$WORK/labb" --nodes 2 --prefix lab-b --subnet 127.0.5
expect_in "$WORK/out" "lab-b-pub +publisher +127\.0\.5\.2 +ctl 2444" "prefixed publisher line"
expect_in "$WORK/out" "lab-b-sub1 +subscriber +127\.0\.5\.3 +ctl 2454" "prefixed subscriber line"
for node in lab-b-pub lab-b-sub1; do
	[ -d "$WORK/labb/nodes/$node/tftp" ] && pass "$node has a TFTP directory" ||
		fail "$node has no TFTP directory"
done
if command -v openssl >/dev/null; then
	expect_rc 0 "lab-b-sub1's TLS certificate has a SAN" \
		openssl x509 -in "$WORK/labb/nodes/lab-b-sub1/tomcat.pem" -noout \
		-subject -ext subjectAltName
	expect_in "$WORK/out" "CN *= *lab-b-sub1" "its CN is the node's name"
	expect_in "$WORK/out" "DNS:lab-b-sub1" "its SAN names the node"
	expect_in "$WORK/out" "IP Address:127\.0\.5\.3" "its SAN holds the node's address"
	expect_rc 0 "lab-b-pub's TLS certificate has a SAN" \
		openssl x509 -in "$WORK/labb/nodes/lab-b-pub/tomcat.pem" -noout -ext subjectAltName
	if grep -q "IP Address:127\.0\.0\." "$WORK/out"; then
		fail "a cluster on 127.0.5 claims an address of 127.0.0"; else
		pass "a cluster on 127.0.5 claims no address of 127.0.0"; fi
	expect_rc 0 "lab-b-pub's CallManager certificate" \
		openssl x509 -in "$WORK/labb/nodes/lab-b-pub/CallManager.pem" -noout -subject
	expect_in "$WORK/out" "CN *= *lab-b-pub" "the CallManager CN is the node's name"
fi
long=$(printf 'y%.0s' $(seq 40))
expect_rc 0 "a prefix of 40 characters, subnet 127.255.255" \
	"$PUBD" init "$WORK/long" --nodes 2 --prefix "$long" --subnet 127.255.255 --port 3000
expect_in "$WORK/out" "$long-sub1 +subscriber +127\.255\.255\.3 " "the last node's name and address"

finish
