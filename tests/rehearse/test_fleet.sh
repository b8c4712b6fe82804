#!/bin/bash
# The event loop does not change verdicts: a rehearsal of 1,000 phones
# with 512 in flight ends with no error and the same counts, model by
# model and reason by reason, as the same rehearsal 4 at a time, after a
# CallManager regeneration in tokenless mode (TVS asked by 700 phones),
# on two nodes.
#   test_fleet.sh CTLCLIENT CTLPUBLISHERD
# Exits 77 (skipped) when in.tftpd is missing.
CTL=$1 PUBD=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../cluster/lib.sh"

need_tftpd
make_cluster 2 --tvs-tls 1.0
base=${SERVER##*:}

expect_rc 0 "tokenless set-mixed-mode" $CTL tokenless set-mixed-mode --yes $NET
expect_rc 0 "snapshot before regenerating" $CTL rehearse $NET --snapshot "$WORK/s1"
expect_rc 0 "regenerate cucm-pub's CallManager certificate" $PUBD regenerate "$DIR" --node cucm-pub
expect_rc 0 "migrate regenerate (tokenless)" $CTL migrate regenerate --yes $NET
# The publisher reloads TVS in the background: wait until every node's
# TVS vouches for the new certificate (up to 15 s).
for i in 0 1; do
	name=cucm-pub
	[ "$i" -gt 0 ] && name=cucm-sub$i
	for t in $(seq 75); do
		$CTL tvs-query --tvs "127.0.0.$((2 + i)):$((base + 10 * i + 1))" \
			--tvs-ca "$DIR/nodes/$name/TVS.pem" --timeout-ms 2000 \
			"$DIR/nodes/cucm-pub/CallManager.pem" >/dev/null 2>&1 && break
		sleep 0.2
	done
done

run() {   # CONCURRENCY: rehearse --json into $WORK/cCONCURRENCY.json
	expect_rc 0 "1000 phones, $1 in flight" timeout 60 $CTL rehearse $NET \
		--json --installed "$WORK/s1" --models 8845:40,7975:30,7960:30 \
		--phones 1000 --concurrency "$1" --timeout-ms 10000
	cp "$WORK/out" "$WORK/c$1.json"
}
t0=$(date +%s)
run 512
run 4
echo "# both rehearsals: $(($(date +%s) - t0)) s"

if python3 - "$WORK/c512.json" "$WORK/c4.json" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
def counts(j):
    # Everything but timing and the option that differs.
    return {k: v for k, v in j.items()
            if k not in ("elapsed_ms", "phones_per_second", "concurrency")}
ok = True
for j in (a, b):
    if j["errors"] != 0 or j["totals"]["phones"] != 1000:
        print("    | errors", j["errors"], "phones", j["totals"]["phones"])
        ok = False
if a["tvs_queries"] != 700 or a["models"][0]["ctl"]["via_tvs"] != 400:
    print("    | TVS asked", a["tvs_queries"], "times, 8845 via TVS",
          a["models"][0]["ctl"]["via_tvs"])
    ok = False
if counts(a) != counts(b):
    for k in counts(a):
        if a[k] != b[k]:
            print("    |", k, json.dumps(a[k])[:300], "!=",
                  json.dumps(b[k])[:300])
    ok = False
sys.exit(0 if ok else 1)
PY
then pass "512 and 4 in flight: no error, every count the same"
else fail "512 and 4 in flight give different counts"; fi

echo "$PASSES passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
