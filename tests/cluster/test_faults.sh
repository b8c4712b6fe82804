#!/bin/bash
# Bad logins, bad TLS, plaintext, oversized, truncated and garbage frames,
# too many connections, a silent connection: each gets a clear error or a
# closed connection, and the server goes on serving others.  Two uploads built on the same CTL: one wins, the other
# is told why.
#   test_faults.sh CTLCLIENT CTLPUBLISHERD
CTL=$1 PUBD=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

make_cluster 2
host=${SERVER%:*} port=${SERVER#*:}
raw() { python3 "$here/rawclient.py" "$1" "$host" "$port" "$DIR/trust.pem" "$DIR/admin.password"; }

printf 'not-the-password\n' > "$WORK/wrong.pw"
chmod 600 "$WORK/wrong.pw"
expect_rc 1 "wrong password" $CTL status --server "$SERVER" --user admin --password-file "$WORK/wrong.pw" --cafile "$DIR/trust.pem"
expect_in "$WORK/err" "wrong user name or password" "wrong password: the reason"
expect_rc 1 "unknown user" $CTL status --server "$SERVER" --user mallory --password-file "$DIR/admin.password" --cafile "$DIR/trust.pem"
expect_in "$WORK/err" "wrong user name or password" "unknown user: the same reason"

for c in plaintext tls11 oversized truncated garbage bad-fields before-login unknown-type max-conns idle; do
	if out=$(raw "$c" 2>&1); then pass "$c: $out"; else fail "$c: $out"; fi
	expect_rc 0 "after $c the server still serves" $CTL status $NET
done

# An untrusted server certificate: the client refuses to talk.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=other \
	-keyout "$WORK/o.key" -out "$WORK/other.pem" 2>/dev/null
expect_rc 1 "a server the CA file does not vouch for" $CTL status --server "$SERVER" --user admin --password-file "$DIR/admin.password" --cafile "$WORK/other.pem"
expect_in "$WORK/err" "not trusted" "untrusted server: the reason"

# Two uploads built on the same CTL: one is refused with the reason.
$CTL tokenless set-mixed-mode --yes $NET >/dev/null 2>&1
base=$(node_sha1 cucm-pub)
for k in a b; do
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=signer-$k" \
		-keyout "$WORK/$k.key" -out "$WORK/$k.pem" 2>/dev/null
	cat "$WORK/$k.key" "$WORK/$k.pem" > "$WORK/$k.signer"
	$CTL build -o "$WORK/$k.tlv" --signer "$WORK/$k.signer" \
		--entry "role=CCM+TFTP,cert=$WORK/$k.pem,dns=x" >/dev/null
done
$CTL upload --force "$WORK/a.tlv" --base-sha1 "$base" $NET >"$WORK/a.out" 2>&1 & pa=$!
$CTL upload --force "$WORK/b.tlv" --base-sha1 "$base" $NET >"$WORK/b.out" 2>&1 & pb=$!
wait $pa; ra=$?
wait $pb; rb=$?
if [ $((ra + rb)) -eq 1 ]; then pass "two uploads at once: one won"; else fail "two uploads: exits $ra and $rb"; fi
cat "$WORK/a.out" "$WORK/b.out" > "$WORK/both"
expect_in "$WORK/both" "the CTL changed since you read it" "the loser is told why"

if out=$(raw brute-force 2>&1); then pass "5 failed logins, then the address waits: $out"; else fail "brute force: $out"; fi
expect_rc 0 "other addresses are still served" $CTL status $NET
finish
