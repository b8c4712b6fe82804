#!/bin/bash
# ctlclient show / build / verify on files: exit codes, output, JSON
# shape, atomic output, and bad input.
# usage: test_offline.sh CTLCLIENT MKSEED
CTL=$1
MKSEED=$2
. "$(dirname "$0")/lib.sh"

C="$WORK/certs"
mkdir -p "$C"
"$MKSEED" "$C" || { echo "mkseed failed"; exit 1; }
cd "$WORK" || exit 1

# --help everywhere
expect_rc 0 "ctlclient --help" "$CTL" --help
for cmd in show build verify; do
	expect_rc 0 "$cmd --help" "$CTL" "$cmd" --help
	expect_in "$WORK/out" "usage: ctlclient $cmd" "$cmd --help prints usage"
done
expect_rc 2 "unknown command" "$CTL" frobnicate
expect_rc 2 "no command" "$CTL"

# Cisco's tokenless CTL, built from the command line.
PUB=cucm-1051-a-pub
tokenless() {
	"$CTL" build -o "$1" --signer "$C/pub.key.pem" --timestamp 1425667513 \
		--entry "role=SAST,cert=$C/pub.pem,dns=$PUB,ip=127.0.0.2" \
		--entry "role=CCM+TFTP,cert=$C/pub.pem,dns=$PUB,ip=127.0.0.2" \
		--entry "role=CAPF,cert=$C/capf.pem,dns=$PUB,ip=127.0.0.2" \
		--entry "role=CCM+TFTP,cert=$C/sub1.pem,dns=cucm-1051-a-sub1,ip=127.0.0.3"
}
expect_rc 0 "build Cisco's tokenless CTL" tokenless tokenless.tlv
expect_in "$WORK/out" "tokenless.tlv: 4947 bytes, 4 records" "build reports size and records"
[ "$(stat -c %s tokenless.tlv)" = 4947 ] && pass "file is 4947 bytes, as Cisco's" || fail "file size $(stat -c %s tokenless.tlv)"

expect_rc 0 "show verifies it" "$CTL" show tokenless.tlv
expect_in "$WORK/out" "^Length of CTL file: 4947$" "show: length line"
expect_in "$WORK/out" "^HeaderLength:   336 \(BYTES\)$" "show: header length 336"
expect_in "$WORK/out" "\(MD5\)$" "show: MD5 line"
expect_in "$WORK/out" "\(SHA1\)$" "show: SHA1 line"
expect_in "$WORK/out" "^1 +RECORDLENGTH +2 +1156$" "show: record length 1156"
expect_in "$WORK/out" "^4 +FUNCTION +2 +System Administrator Security Token$" "show: SAST role"
expect_in "$WORK/out" "^4 +FUNCTION +2 +CCM\+TFTP$" "show: CCM+TFTP role"
expect_in "$WORK/out" "\(SHA1 Hash HEX\)$" "show: certificate hash"
expect_in "$WORK/out" "^This etoken was used to sign the CTL file.$" "show: signer note"
expect_in "$WORK/out" "^The CTL file was verified successfully.$" "show: verdict"
md5=$(md5sum tokenless.tlv | cut -d' ' -f1)
expect_in "$WORK/out" "^$md5\(MD5\)$" "show: MD5 equals md5sum's"

expect_rc 0 "show --json" "$CTL" show --json tokenless.tlv
if python3 - "$WORK/out" "$(sha1sum tokenless.tlv | cut -d' ' -f1)" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
for k in ("length", "md5", "sha1", "version", "header_length", "digest",
          "filename", "timestamp", "signer", "signature_valid", "records"):
    assert k in j, k
assert j["length"] == 4947 and j["header_length"] == 336
assert j["sha1"] == sys.argv[2]
assert j["version"] == "1.2" and j["filename"] == "CTLFile.tlv"
assert j["digest"] == "sha1" and j["timestamp"] == 1425667513
assert j["signature_valid"] is True
assert set(j["signer"]) >= {"name", "issuer", "serial"}
assert [r["role"] for r in j["records"]] == ["SAST", "CCM+TFTP", "CAPF", "CCM+TFTP"]
assert [r["length"] for r in j["records"]] == [1156, 1156, 1138, 1161]
assert [r["signer"] for r in j["records"]] == [True, False, False, False]
r = j["records"][3]
for k in ("length", "role", "dns_name", "subject", "issuer", "serial", "ip",
          "cert_sha1", "signer"):
    assert k in r, k
assert r["dns_name"] == "cucm-1051-a-sub1" and r["ip"] == "127.0.0.3"
assert r["subject"] == "CN=cucm-1051-a-sub1;OU=TAC;O=Cisco;L=Krakow;ST=Malopolska;C=PL"
assert len(r["cert_sha1"]) == 40 and r["cert_sha1"] == r["cert_sha1"].lower()
assert len(r["serial"]) == 32
PY
then pass "show --json carries the contract's fields and values"; else fail "show --json fields"; fi

# A token-signed CTL naming both tokens, signed by token 2.
tokens() {
	"$CTL" build -o "$1" --signer "$C/$2.key.pem" \
		--entry "role=SAST,cert=$C/token1.pem" \
		--entry "role=CCM+TFTP,cert=$C/pub.pem,dns=$PUB,ip=127.0.0.2" \
		--entry "role=CAPF,cert=$C/capf.pem,dns=$PUB" \
		--entry "role=SAST,cert=$C/token2.pem" "${@:3}"
}
expect_rc 0 "build a CTL signed by token 2" tokens tokens2.tlv token2
expect_rc 0 "show verifies the token CTL" "$CTL" show tokens2.tlv
expect_in "$WORK/out" "^1 +RECORDLENGTH +2 +1186$" "token SAST record is 1186 bytes"
expect_in "$WORK/out" "^This etoken was not used to sign the CTL file.$" "show: the other token did not sign"
expect_rc 0 "build the same signed by token 1" tokens tokens1.tlv token1 --digest sha256
expect_rc 0 "build the ITL" "$CTL" build -o ITLFile.tlv --filename ITLFile.tlv --signer "$C/pub.key.pem" \
	--entry "role=TVS,cert=$C/capf.pem,dns=$PUB"
expect_rc 0 "show reads the ITL" "$CTL" show ITLFile.tlv
expect_in "$WORK/out" "ITL Record #:2" "show names ITL records"
expect_in "$WORK/out" "^The ITL file was verified successfully.$" "ITL verdict"

# verify: the phone trust model, direct part
expect_rc 0 "a phone with no CTL takes the first" "$CTL" verify tokenless.tlv --installed none
expect_rc 0 "update signed by the same publisher" "$CTL" verify tokenless.tlv --installed tokenless.tlv
expect_rc 0 "update signed by the spare token" "$CTL" verify tokens1.tlv --installed tokens2.tlv
expect_in "$WORK/out" "^tokens1.tlv: ACCEPTED by a phone holding tokens2.tlv$" "verify prints ACCEPTED"
expect_rc 1 "tokenless to tokens without TVS" "$CTL" verify tokens1.tlv --installed tokenless.tlv
expect_in "$WORK/out" "^tokens1.tlv: REJECTED by a phone holding tokenless.tlv$" "verify prints REJECTED"
expect_in "$WORK/out" "not a SAST in the installed CTL" "verify says why"
expect_rc 1 "verify --json reject" "$CTL" verify --json tokenless.tlv --installed tokens1.tlv
if python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["verdict"]=="reject" and j["accept"] is False and j["tvs_could_help"] is True and j["reason"]' "$WORK/out"
then pass "verify --json verdict"; else fail "verify --json verdict"; fi
expect_rc 2 "verify a CTL against an ITL" "$CTL" verify tokenless.tlv --installed ITLFile.tlv
expect_rc 2 "verify without --installed" "$CTL" verify tokenless.tlv

# A changed byte: parses, does not verify (exit 1), with the reason.
cp tokenless.tlv tampered.tlv
printf '\x55' | dd of=tampered.tlv bs=1 seek=4000 conv=notrunc 2>/dev/null
expect_rc 1 "show a tampered CTL" "$CTL" show tampered.tlv
expect_in "$WORK/out" "^The CTL file was NOT verified" "tampered: verdict line"
expect_in "$WORK/err" "tampered.tlv: does not verify" "tampered: reason on stderr"
expect_rc 1 "verify rejects a tampered CTL" "$CTL" verify tampered.tlv --installed tokenless.tlv
expect_rc 1 "show --json of a tampered CTL" "$CTL" show --json tampered.tlv
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["signature_valid"] is False and j["verify_error"]' "$WORK/out" \
	&& pass "tampered: JSON says signature_valid false" || fail "tampered JSON"

# Not .tlv at all: exit 2, one line naming the file, byte and field.
: > empty.tlv
expect_rc 2 "show an empty file" "$CTL" show empty.tlv
expect_in "$WORK/err" "^ctlclient: empty.tlv: the file is empty" "empty: message"
head -c 2000 tokenless.tlv > truncated.tlv
expect_rc 2 "show a truncated file" "$CTL" show truncated.tlv
expect_in "$WORK/err" "^ctlclient: truncated.tlv: record 2 at byte 1492: RECORDLENGTH at byte 1492 is 1156, past the end of the file \(508 bytes left\)$" "truncated: file, byte and field"
[ "$(wc -l < "$WORK/err")" -eq 1 ] && pass "truncated: one line" || fail "truncated: $(wc -l < "$WORK/err") lines"
head -c 4096 /dev/urandom > garbage.tlv
expect_rc 2 "show garbage" "$CTL" show garbage.tlv
expect_in "$WORK/err" "^ctlclient: garbage.tlv: " "garbage: names the file"
truncate -s 100M big.tlv
start=$(date +%s%N)
expect_rc 2 "show a 100 MB file" "$CTL" show big.tlv
ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_in "$WORK/err" "larger than the 1048576-byte maximum" "100 MB: says it is too large"
[ "$ms" -lt 2000 ] && pass "100 MB file refused in ${ms} ms" || fail "100 MB file took ${ms} ms"
expect_rc 2 "show a missing file" "$CTL" show no-such-file.tlv
expect_in "$WORK/err" "no-such-file.tlv: cannot open" "missing: message"
expect_rc 2 "show without a file" "$CTL" show

# build: bad arguments fail and leave nothing half-written.
cp tokenless.tlv keep.tlv
before=$(sha1sum keep.tlv)
expect_rc 2 "build without --signer" "$CTL" build -o keep.tlv
expect_rc 2 "build with an unknown role" "$CTL" build -o keep.tlv --signer "$C/pub.key.pem" --entry "role=BOSS,cert=$C/pub.pem"
expect_in "$WORK/err" "unknown role 'BOSS'" "unknown role: message"
expect_rc 2 "build with a bad ip" "$CTL" build -o keep.tlv --signer "$C/pub.key.pem" --entry "role=CCM,cert=$C/pub.pem,ip=300.1.1.1"
expect_rc 2 "build with an unknown entry key" "$CTL" build -o keep.tlv --signer "$C/pub.key.pem" --entry "role=CCM,cert=$C/pub.pem,port=1"
expect_rc 2 "build with a missing certificate" "$CTL" build -o keep.tlv --signer "$C/pub.key.pem" --entry "role=CCM,cert=$WORK/nope.pem"
expect_rc 2 "build with a repeated entry" "$CTL" build -o keep.tlv --signer "$C/pub.key.pem" --entry "role=CCM,cert=$C/pub.pem" --entry "role=CCM,cert=$C/pub.pem"
expect_rc 2 "build with a bad digest" "$CTL" build -o keep.tlv --signer "$C/pub.key.pem" --digest md5
cat "$C/pub.key.pem" | sed -n '/BEGIN PRIVATE KEY/,/END PRIVATE KEY/p' > mismatched.pem
sed -n '/BEGIN CERTIFICATE/,/END CERTIFICATE/p' "$C/capf.pem" >> mismatched.pem
expect_rc 1 "build with a key that is not the certificate's" "$CTL" build -o keep.tlv --signer mismatched.pem
expect_in "$WORK/err" "does not belong to the certificate" "mismatched key: message"
expect_rc 1 "build with a certificate file as signer" "$CTL" build -o keep.tlv --signer "$C/pub.pem"
expect_rc 1 "build into a missing directory" "$CTL" build -o "$WORK/nodir/x.tlv" --signer "$C/pub.key.pem"
[ "$before" = "$(sha1sum keep.tlv)" ] && pass "failed builds left the old file untouched" || fail "keep.tlv changed"
[ ! -e "$WORK/nodir" ] && pass "no directory created" || fail "nodir created"
leftovers=$(ls "$WORK" | grep -c '\.tlv\.' || true)
[ "$leftovers" -eq 0 ] && pass "no temporary files left behind" || fail "$leftovers temporary files left"

# The signer is added as a SAST record when no entry names it.
expect_rc 0 "build with only a CCM entry" "$CTL" build -o auto.tlv --signer "$C/pub.key.pem" --entry "role=CCM,cert=$C/sub1.pem,dns=x"
expect_rc 0 "show it" "$CTL" show --json auto.tlv
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); r=j["records"]; assert [x["role"] for x in r]==["SAST","CCM"] and r[0]["signer"] and r[0]["dns_name"]=="" and not r[0]["has_signature_field"]' "$WORK/out" \
	&& pass "signer written first as a token-style SAST record" || fail "auto SAST record"


# A bad option: one line naming it and --help, exit 2, no usage dump.
for cmd in show build verify tokens export-cert wait-token; do
	expect_rc 2 "$cmd with a misspelt option" "$CTL" "$cmd" --jsn
	expect_in "$WORK/err" "^ctlclient: $cmd: unrecognized option '--jsn' \(see ctlclient $cmd --help\)$" "$cmd: the bad option named, with --help"
	[ "$(wc -l < "$WORK/err")" -eq 1 ] && pass "$cmd: one line" || fail "$cmd --jsn: $(wc -l < "$WORK/err") lines"
done
expect_rc 2 "build with --entry missing its value" "$CTL" build -o x.tlv --signer "$C/pub.key.pem" --entry
expect_in "$WORK/err" "^ctlclient: build: option '--entry' needs a value" "missing value: named"
expect_rc 2 "show --json=1" "$CTL" show --json=1 tokenless.tlv
expect_in "$WORK/err" "option '--json' takes no value" "a value given to a flag: named"

# verify: a NEW that cannot be read or is not a .tlv file is exit 2, not a
# verdict; a real refusal stays exit 1.
expect_rc 2 "verify a missing NEW" "$CTL" verify nosuch.tlv --installed tokenless.tlv
expect_in "$WORK/err" "^ctlclient: nosuch.tlv: cannot open" "missing NEW: named on stderr"
if grep -q REJECTED "$WORK/out"; then fail "missing NEW printed a verdict"; else pass "missing NEW: no verdict"; fi
expect_rc 2 "verify a garbage NEW" "$CTL" verify garbage.tlv --installed tokenless.tlv
expect_rc 2 "verify --json a truncated NEW" "$CTL" verify --json truncated.tlv --installed none
[ ! -s "$WORK/out" ] && pass "truncated NEW: no JSON verdict" || fail "truncated NEW printed a verdict"
expect_rc 2 "verify against a missing OLD" "$CTL" verify tokenless.tlv --installed nosuch.tlv
expect_rc 1 "verify still rejects a tampered NEW with exit 1" "$CTL" verify tampered.tlv --installed tokenless.tlv

# build: unusual file names and a file of only its signer are warned
# about, on one stderr line each, and still built.
expect_rc 0 "build --filename other.tlv" "$CTL" build -o other.tlv --filename other.tlv --signer "$C/pub.key.pem" --entry "role=CCM,cert=$C/sub1.pem,dns=x"
expect_in "$WORK/err" "^ctlclient: warning: --filename other.tlv: phones and the publisher look only for CTLFile.tlv and ITLFile.tlv$" "unusual --filename: warned"
[ "$(wc -l < "$WORK/err")" -eq 1 ] && pass "one warning line" || fail "$(wc -l < "$WORK/err") stderr lines"
[ -s other.tlv ] && pass "built anyway" || fail "other.tlv not written"
expect_rc 0 "build without --entry" "$CTL" build -o lonely.tlv --signer "$C/pub.key.pem"
expect_in "$WORK/err" "^ctlclient: warning: no --entry: the file will hold only the signer's record$" "no --entry: warned"
expect_rc 0 "build the ITL by its name" "$CTL" build -o ITL2.tlv --filename ITLFile.tlv --signer "$C/pub.key.pem" --entry "role=TVS,cert=$C/capf.pem,dns=$PUB"
[ ! -s "$WORK/err" ] && pass "ITLFile.tlv with entries: no warning" || fail "unexpected warning: $(cat "$WORK/err")"
expect_rc 0 "build a CTL by its name" tokenless plain.tlv
[ ! -s "$WORK/err" ] && pass "CTLFile.tlv with entries: no warning" || fail "unexpected warning: $(cat "$WORK/err")"

finish
