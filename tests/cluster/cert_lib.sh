# Shared by the certificate tests (sourced after lib.sh, once
# make_cluster has set DIR, NET and SERVER).
NODES="cucm-pub cucm-sub1"
file_of() {     # TYPE: the base of its file names
	case $1 in Tomcat) echo tomcat;; IPsec) echo ipsec;; *) echo "$1";; esac
}
serial() { openssl x509 -in "$DIR/nodes/$1/$(file_of "$2").pem" -noout -serial; }
fp() {
	openssl x509 -in "$1" -noout -fingerprint -sha1 | cut -d= -f2 |
		tr -d : | tr 'A-F' 'a-f'
}
itl_sums() {    # the SHA1 of each node's ITL, one line
	local n
	for n in $NODES; do
		sha1sum "$DIR/nodes/$n/tftp/ITLFile.tlv" | cut -d' ' -f1
	done | tr '\n' ' '
}
# Everything a refused request must leave alone.
snapshot() {
	{
		sha1sum "$DIR"/nodes/*/*.pem "$DIR"/nodes/*/*.key \
			"$DIR"/nodes/*/tftp/ITLFile.tlv
		# days_left counts down while the test runs: not a change
		"$CTL" trust list $NET --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
for c in d.get("certificates", []):
    c.pop("days_left", None)
json.dump(d, sys.stdout, sort_keys=True)'
		"$CTL" audit $NET --limit 1000 --json
	} 2>&1
}
tvs_valid() {   # PEM ROLE: within 10 s TVS answers valid with ROLE
	local i
	for i in $(seq 1 50); do
		"$CTL" tvs-query --tvs "$TVS_PUB" --tvs-ca \
			"$DIR/nodes/cucm-pub/TVS.pem" --json "$1" >"$WORK/tvs" 2>&1 &&
			grep -q "\"$2\"" "$WORK/tvs" && return 0
		sleep 0.2
	done
	cat "$WORK/tvs"
	return 1
}

