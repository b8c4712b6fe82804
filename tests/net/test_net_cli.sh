#!/bin/bash
# The network commands of ctlclient against a stand-in CTL Provider
# (fake_publisher.py) on 127.0.0.1: options and exit codes, password
# sources, certificate pinning (first contact, changed certificate),
# --cafile, every command, and malformed answers.  Every server this
# test starts is killed by its PID when the test ends, pass or fail.
# usage: test_net_cli.sh CTLCLIENT MKSEED
CTL=$1
MKSEED=$2
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../cli/lib.sh"

SERVER_PID=
stop_server() {
	if [ -n "$SERVER_PID" ]; then
		kill "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
		SERVER_PID=
	fi
}
trap 'stop_server; cleanup' EXIT
trap 'exit 1' INT TERM HUP

# Nothing from the caller's environment, and no terminal: a command that
# would ask must fail instead of waiting.
unset CTLCLIENT_PASSWORD CTLCLIENT_KNOWN_SERVERS
export HOME="$WORK/home"
mkdir -p "$HOME"
cli() { setsid -w "$CTL" "$@"; }

cd "$WORK" || exit 1
mkdir -p "$WORK/seed" && "$MKSEED" "$WORK/seed" >/dev/null || { echo "mkseed failed"; exit 1; }

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# mkcert NAME SAN: a self-signed certificate and key.
mkcert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-days 2 -subj "/CN=$1" -addext "subjectAltName=$2" \
		-keyout "$WORK/$1.key" -out "$WORK/$1.pem" 2>/dev/null
}
mkcert certa "IP:127.0.0.1"
mkcert certb "IP:127.0.0.1"
mkcert certc "DNS:other.example"

PORT=$(free_port)
S="--server 127.0.0.1:$PORT"
SECRET="s3cret-$RANDOM-pw"
printf '%s\n' "$SECRET" >pw && chmod 600 pw
MODE="$WORK/mode"
LOG="$WORK/server.log"
echo normal >"$MODE"

# start_server CERT: the stand-in publisher on $PORT.
start_server() {
	stop_server
	: >"$LOG"
	python3 "$HERE/fake_publisher.py" "$WORK/$1.pem" "$WORK/$1.key" "$PORT" \
		"$SECRET" "$MODE" "$LOG" 2>>"$WORK/server.err" &
	SERVER_PID=$!
	for _ in $(seq 100); do
		grep -q listening "$LOG" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "the stand-in publisher did not start"; cat "$WORK/server.err"
	exit 1
}
not_in() {
	if grep -qE -- "$2" "$1"; then fail "$3"; sed 's/^/    | /' "$1" | head -5
	else pass "$3"; fi
}

# --- usage, no server needed ---
for cmd in status fetch upload tokenless delete-ctl trust audit; do
	expect_rc 0 "$cmd --help" cli "$cmd" --help
	expect_in "$WORK/out" "usage: ctlclient $cmd" "$cmd --help prints usage"
	expect_in "$WORK/out" "--password-file" "$cmd --help names the shared options"
done
expect_rc 2 "status without --server" cli status
expect_in "$WORK/err" "--server HOST\[:PORT\] is required" "says --server is required"
for bad in 127.0.0.1:0 127.0.0.1:65536 127.0.0.1:abc 127.0.0.1: 127.0.0.1:-1 \
	"bad host" ::1 "[::1" ":2444"; do
	expect_rc 2 "--server '$bad' refused" cli status --server "$bad"
done
expect_in "$WORK/err" "not a host name" "bad host named"
expect_rc 2 "--timeout 0" cli status $S --timeout 0
expect_rc 2 "unknown option" cli status $S --frobnicate
expect_rc 2 "status takes no argument" cli status $S extra
expect_rc 2 "fetch without -o" cli fetch $S
expect_rc 2 "tokenless without action" cli tokenless $S --yes
expect_rc 2 "tokenless unknown action" cli tokenless $S --yes set-secure
expect_rc 2 "trust without subcommand" cli trust $S
expect_rc 2 "trust upload without --purpose" cli trust upload $S x.pem
expect_rc 2 "trust unknown purpose" cli trust list $S --purpose ITL-trust
expect_rc 2 "trust delete bad SHA-1" cli trust delete $S --purpose CAPF-trust 1234
expect_rc 2 "audit --limit 0" cli audit $S --limit 0
expect_rc 2 "upload --base-sha1 and --base-none" cli upload $S --base-none --base-sha1 0000000000000000000000000000000000000000 f.tlv
echo "not a tlv" >junk.tlv
expect_rc 2 "upload of a file that is not a .tlv" cli upload $S --password-file pw junk.tlv
"$CTL" build -o ctl.tlv --signer "$WORK/seed/pub.key.pem" \
	--entry "role=SAST,cert=$WORK/seed/pub.pem,dns=cucm-pub,ip=127.0.0.2" \
	--entry "role=CCM+TFTP,cert=$WORK/seed/pub.pem,dns=cucm-pub,ip=127.0.0.2" \
	--entry "role=CCM+TFTP,cert=$WORK/seed/sub1.pem,dns=cucm-sub1,ip=127.0.0.3" \
	>/dev/null || { echo "cannot build a CTL"; exit 1; }
"$CTL" build -o ctl2.tlv --signer "$WORK/seed/pub.key.pem" --timestamp 1425667513 \
	--entry "role=SAST,cert=$WORK/seed/pub.pem,dns=cucm-pub,ip=127.0.0.2" \
	>/dev/null || { echo "cannot build a second CTL"; exit 1; }

# --- password sources and connecting, before any server ---
printf '%s\n' "$SECRET" >pw644 && chmod 644 pw644
expect_rc 1 "password file readable by others refused" cli status $S --password-file pw644
expect_in "$WORK/err" "chmod 600" "says how to fix the password file"
: >pwempty && chmod 600 pwempty
expect_rc 1 "empty password file refused" cli status $S --password-file pwempty
expect_rc 1 "missing password file" cli status $S --password-file nope
expect_rc 1 "closed port" cli status $S --password-file pw
expect_in "$WORK/err" "127.0.0.1:$PORT: cannot connect" "closed port: says it cannot connect"

# --- first contact, pinning ---
KS="$HOME/.config/ctlclient/known_servers"
start_server certa
expect_rc 1 "unknown server, no terminal, no --accept-new" cli status $S --password-file pw
expect_in "$WORK/err" "server not known" "says the server is not known"
expect_in "$WORK/err" "--accept-new" "names --accept-new"
[ ! -e "$KS" ] && pass "nothing pinned" || fail "$KS written without consent"
not_in "$LOG" "login" "no password sent to an unchecked server"
expect_rc 0 "status --accept-new pins on first contact" cli status $S --password-file pw --accept-new
expect_in "$WORK/err" "pinned the certificate of 127.0.0.1:$PORT" "says it pinned"
fp=$(openssl x509 -in certa.pem -outform DER | sha256sum | cut -d' ' -f1)
expect_in "$KS" "^127\.0\.0\.1:$PORT $fp$" "known_servers holds host:port sha256"
[ "$(stat -c %a "$KS")" = 600 ] && pass "known_servers is 0600" || fail "known_servers mode $(stat -c %a "$KS")"
[ "$(stat -c %a "$HOME/.config/ctlclient")" = 700 ] && pass "its directory is 0700" || fail "directory mode"
expect_rc 0 "second contact uses the pin" cli status $S --password-file pw
not_in "$WORK/err" "pinned" "no second pin"
[ "$(wc -l <"$KS")" = 1 ] && pass "one line pinned" || fail "$(wc -l <"$KS") lines"
CTLCLIENT_PASSWORD="$SECRET" expect_rc 0 "password from CTLCLIENT_PASSWORD" cli status $S
CTLCLIENT_PASSWORD=wrong expect_rc 1 "wrong password" cli status $S
expect_in "$WORK/err" "login as admin refused" "says the login was refused"
expect_rc 1 "no password and no terminal" cli status $S
expect_in "$WORK/err" "--password-file" "names the password options"
expect_rc 1 "unknown user" cli status $S --password-file pw --user mallory

# --- a changed certificate is refused ---
cp "$KS" ks.before
start_server certb
expect_rc 1 "changed certificate refused" cli status $S --password-file pw
expect_in "$WORK/err" "CERTIFICATE HAS CHANGED" "ssh-like warning"
expect_in "$WORK/err" "changed since it was pinned" "one-line reason"
expect_rc 1 "changed certificate refused even with --accept-new" cli status $S --password-file pw --accept-new
cmp -s "$KS" ks.before && pass "known_servers unchanged" || fail "known_servers changed"
not_in "$LOG" "login" "no password sent to the changed server"
CTLCLIENT_KNOWN_SERVERS="$WORK/ks2" expect_rc 0 "another known-servers file (CTLCLIENT_KNOWN_SERVERS)" cli status $S --password-file pw --accept-new
expect_in "$WORK/ks2" "^127\.0\.0\.1:$PORT " "pinned in \$CTLCLIENT_KNOWN_SERVERS"

# --- --cafile ---
expect_rc 0 "--cafile with the server's certificate" cli status $S --password-file pw --cafile certb.pem
expect_rc 1 "--cafile with another certificate" cli status $S --password-file pw --cafile certa.pem
expect_in "$WORK/err" "not trusted" "says the certificate is not trusted"
expect_rc 1 "--cafile that does not exist" cli status $S --password-file pw --cafile nope.pem

# From here on: certb, through --cafile.
A="$S --password-file pw --cafile certb.pem"

# --- every command ---
expect_rc 0 "status" cli status $A
expect_in "$WORK/out" "^Security mode: Non-secure mode$" "status: security mode"
expect_in "$WORK/out" "^cucm-pub +127\.0\.0\.2 +2444 +Publisher +yes +current" "status: publisher row"
expect_rc 1 "fetch with no CTL on the server" cli fetch $A -o got.tlv
expect_in "$WORK/err" "holds no CTL file" "fetch: says there is none"
[ ! -e got.tlv ] && pass "nothing written" || fail "got.tlv written"
expect_rc 0 "upload" cli upload $A ctl.tlv
expect_in "$WORK/out" "^cucm-sub2 +CTLFile.tlv +Passed" "upload: a line per node"
sha=$(sha1sum ctl.tlv | cut -d' ' -f1)
expect_in "$WORK/out" "^CTL SHA1: $sha$" "upload: the new SHA-1"
expect_rc 0 "status --json" cli status $A --json
if python3 - "$WORK/out" "$sha" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["security_mode"] == 1 and j["ctl_mode"] == "token", j
assert j["ctl_sha1"] == sys.argv[2]
assert len(j["nodes"]) == 3
n = j["nodes"][0]
for k in ("name", "ip", "port", "publisher", "ctl_sha1", "reachable", "state"):
    assert k in n, k
assert n["publisher"] is True and n["ip"] == "127.0.0.2" and n["ctl_sha1"] == sys.argv[2]
assert j["nodes"][1]["publisher"] is False
PY
then pass "status --json shape"; else fail "status --json shape"; fi
expect_rc 0 "fetch" cli fetch $A -o got.tlv
cmp -s got.tlv ctl.tlv && pass "fetched the uploaded file" || fail "fetched file differs"
expect_in "$WORK/out" "^$sha\(SHA1\)$" "fetch prints the SHA-1"
expect_in "$WORK/out" "^$(md5sum ctl.tlv | cut -d' ' -f1)\(MD5\)$" "fetch prints the MD5"
[ "$(stat -c %a got.tlv)" = 644 ] && pass "fetched file is 0644" || fail "mode $(stat -c %a got.tlv)"
expect_rc 1 "upload based on no CTL, when there is one" cli upload $A --base-none ctl2.tlv
expect_in "$WORK/err" "the CTL changed since you read it" "conflict explained"
expect_rc 0 "upload --base-sha1 of the current CTL" cli upload $A --base-sha1 "$sha" ctl2.tlv
expect_rc 1 "tokenless without --yes and no terminal" cli tokenless update $A
expect_in "$WORK/err" "--yes" "tokenless names --yes"
not_in "$LOG" "type 0x06" "nothing sent unconfirmed"
expect_rc 0 "tokenless update --yes" cli tokenless update $A --yes
expect_in "$WORK/out" "^cucm-pub +CTLFile.tlv +Passed" "tokenless: per-node lines"
expect_in "$WORK/out" "^[0-9a-f]{40}\(SHA1\)$" "tokenless: new SHA-1"
expect_in "$WORK/out" "^CTL file Updated$" "tokenless: CUCM's done line"
expect_in "$WORK/out" "^Please Restart the TFTP and Cisco CallManager services on all nodes in the cluster that run these services$" "tokenless: restart note"
expect_rc 0 "tokenless set-non-secure --yes" cli tokenless set-non-secure $A --yes
expect_rc 1 "delete-ctl without --yes and no terminal" cli delete-ctl $A
expect_rc 0 "delete-ctl --yes" cli delete-ctl $A --yes
expect_in "$WORK/out" "^cucm-sub1 +CTLFile.tlv +Passed" "delete-ctl: per-node lines"
expect_rc 0 "trust upload PEM" cli trust upload $A --purpose Phone-SAST-trust "$WORK/seed/pub.pem"
tsha=$(openssl x509 -in "$WORK/seed/pub.pem" -outform DER | sha1sum | cut -d' ' -f1)
expect_in "$WORK/out" "$tsha" "trust upload prints the SHA-1"
openssl x509 -in "$WORK/seed/sub1.pem" -outform DER -out sub1.der
expect_rc 0 "trust upload DER" cli trust upload $A --purpose callmanager-trust sub1.der
expect_rc 2 "trust upload of a file that is no certificate" cli trust upload $A --purpose CAPF-trust junk.tlv
expect_rc 0 "trust list --json" cli trust list $A --json
if python3 - "$WORK/out" "$tsha" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
c = j["certificates"]
assert len(c) == 2, c
assert c[0]["purpose"] == "Phone-SAST-trust" and c[0]["sha1"] == sys.argv[2]
assert c[1]["purpose"] == "CallManager-trust" and c[1]["subject"]
PY
then pass "trust list --json shape"; else fail "trust list --json shape"; fi
expect_rc 0 "trust list --purpose" cli trust list $A --purpose CallManager-trust
not_in "$WORK/out" "Phone-SAST-trust" "trust list --purpose filters"
expect_rc 0 "trust delete" cli trust delete $A --purpose Phone-SAST-trust "$tsha"
expect_rc 1 "trust delete again: not found" cli trust delete $A --purpose Phone-SAST-trust "$tsha"
expect_in "$WORK/err" "no certificate" "not found explained"
expect_rc 0 "audit" cli audit $A
expect_in "$WORK/out" "admin +upload" "audit lists the upload"
expect_rc 0 "audit --json --limit 2" cli audit $A --json --limit 2
if python3 - "$WORK/out" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))["entries"]
assert len(e) == 2, e
assert e[0]["user"] == "admin" and isinstance(e[0]["time"], int)
assert e[1]["operation"] == "tokenless 3"
PY
then pass "audit --json shape"; else fail "audit --json shape"; fi
grep -o "request [0-9]* type" "$LOG" | tail -2 | tr '\n' ' ' | grep -q "request 1 type request 2 type" \
	&& pass "request ids count up per session" || fail "request ids: $(grep request "$LOG" | tail -2)"

# --- malformed and refused answers ---
expect_rc 0 "upload for the checks below" cli upload $A --base-none ctl.tlv
bad() {  # bad MODE WANT_RC PATTERN DESCRIPTION COMMAND...
	local m=$1 want=$2 pat=$3 what=$4
	shift 4
	echo "$m" >"$MODE"
	expect_rc "$want" "$what" "$@"
	[ -n "$pat" ] && expect_in "$WORK/err" "$pat" "$what: message"
	echo normal >"$MODE"
}
bad bad-node-ip 1 "NODE 2: IP is 3 bytes" "short IP" cli status $A
bad two-publishers 1 "3 nodes say they are the publisher" "two publishers" cli status $A
bad bad-state 1 "STATE is not one of" "unknown state" cli status $A
bad extra-field 1 "unexpected LIMIT field" "unexpected field" cli status $A
bad bad-ctl-mode 1 "CTL_MODE 9" "CTL mode out of range" cli status $A
bad escape 0 "" "terminal escapes from the server" cli status $A
not_in "$WORK/out" $'\x1b' "escape bytes are not printed"
bad bad-fetch-sha1 1 "but the server announced" "fetch: SHA-1 mismatch" cli fetch $A -o bad.tlv
[ ! -e bad.tlv ] && pass "mismatching file not written" || fail "bad.tlv written"
bad short-sha1 1 "SHA1 is 19 bytes" "fetch: short SHA-1" cli fetch $A -o bad.tlv
bad sub2-fails 1 "1 of 3 nodes did not take" "upload: a node failed" cli upload $A ctl.tlv
expect_in "$WORK/out" "^cucm-sub2 +CTLFile.tlv +Failed +connection refused$" "upload: failed node and reason"
bad bad-status 1 "RESULT 1: STATUS 7" "result with a bad status" cli tokenless update $A --yes
bad wrong-stored-sha1 1 "not the one sent" "upload: stored SHA-1 differs" cli upload --force $A ctl2.tlv
bad no-results 1 "no RESULT" "delete-ctl without results" cli delete-ctl $A --yes
expect_rc 0 "trust upload for the check below" cli trust upload $A --purpose CAPF-trust "$WORK/seed/pub.pem"
bad bad-trust-sha1 1 "is not the SHA-1 of CERT" "trust list: SHA-1 mismatch" cli trust list $A
bad too-many-audit 1 "more than the 1 asked for" "audit: more entries than asked" cli audit $A --limit 1
bad busy 1 "busy" "server busy" cli status $A
bad wrong-id 1 "expected one to LOGIN" "answer to another request" cli status $A
# proto_conn reports a read timeout as "a read failed: Resource temporarily
# unavailable" for now (SSL_ERROR_WANT_READ); either message is a timeout.
bad hang 1 "no answer in time|a read failed: Resource temporarily unavailable" \
	"no answer within --timeout" cli status $A --timeout 1

# --- a certificate that does not name the host ---
start_server certc
expect_rc 1 "--cafile: certificate for another name" cli status $S --password-file pw --cafile certc.pem
expect_in "$WORK/err" "does not name 127.0.0.1" "host name mismatch explained"

stop_server
finish
