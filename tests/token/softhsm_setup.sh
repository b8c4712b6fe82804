#!/bin/sh
# Makes two SoftHSM tokens that stand in for Cisco SAST eTokens:
#   SAST1: RSA 1024 key (as on eTokens of that era), user PIN 1234
#   SAST2: RSA 2048 key, user PIN 4321
# Keys are generated on the token (never extractable); the CSR is signed by
# the token key through OpenSSL's pkcs11 engine; a throw-away
# "manufacturing CA" issues the SAST certificates, which are written back to
# the token under the key's CKA_ID.
#
# Usage: softhsm_setup.sh DIR
# Leaves DIR/softhsm2.conf (export SOFTHSM2_CONF to use it), DIR/ca.pem,
# DIR/SAST1.pem, DIR/SAST2.pem, DIR/SAST1.pin, DIR/SAST2.pin,
# DIR/SAST1.serial, DIR/SAST2.serial.
set -eu

dir=$1
module=${SOFTHSM_MODULE:-/usr/lib/softhsm/libsofthsm2.so}

mkdir -p "$dir/tokens"
cat >"$dir/softhsm2.conf" <<EOF
directories.tokendir = $dir/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
EOF
SOFTHSM2_CONF=$dir/softhsm2.conf
export SOFTHSM2_CONF

openssl req -x509 -newkey rsa:2048 -nodes -days 30 \
    -subj "/O=Cisco Systems/CN=Cisco Manufacturing CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null

make_token() {
	label=$1 bits=$2 pin=$3 id=$4 cn=$5

	softhsm2-util --init-token --free --label "$label" --pin "$pin" \
	    --so-pin 5678 >/dev/null
	pkcs11-tool --module "$module" --token-label "$label" --login \
	    --pin "$pin" --keypairgen --key-type "rsa:$bits" --id "$id" \
	    --label "$label-key" --usage-sign >/dev/null
	PKCS11_MODULE_PATH=$module openssl req -new -engine pkcs11 \
	    -keyform engine \
	    -key "pkcs11:token=$label;object=$label-key;type=private;pin-value=$pin" \
	    -subj "/O=Cisco Systems/OU=IPCBU/CN=$cn" \
	    -out "$dir/$label.csr" 2>/dev/null
	openssl x509 -req -in "$dir/$label.csr" -CA "$dir/ca.pem" \
	    -CAkey "$dir/ca.key" -set_serial "0x$id$id" -days 30 -sha256 \
	    -out "$dir/$label.pem" 2>/dev/null
	openssl x509 -in "$dir/$label.pem" -outform DER -out "$dir/$label.der"
	pkcs11-tool --module "$module" --token-label "$label" --login \
	    --pin "$pin" --write-object "$dir/$label.der" --type cert \
	    --id "$id" --label "$label-cert" >/dev/null
	printf '%s\n' "$pin" >"$dir/$label.pin"
	chmod 600 "$dir/$label.pin"
}

make_token SAST1 1024 1234 01 SAST-ADN0054f509
make_token SAST2 2048 4321 02 SAST-ADN0054f510

# Serial numbers are random: record them for tests that select by serial.
pkcs11-tool --module "$module" -L 2>/dev/null | awk -v dir="$dir" '
	/token label/ { label = $NF }
	/serial num/ && label != "" { print $NF > (dir "/" label ".serial") }'
