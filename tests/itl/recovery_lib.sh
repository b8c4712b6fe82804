# What the recovery tests share (sourced after lib.sh): a rehearsal with
# a condition on its result, and the skip when there is no TFTP server.

need_tftpd

# rehearse WANT DESCRIPTION SNAPSHOT PYTHON-CONDITION: 20 phones of
# $MODELS holding SNAPSHOT reset; the condition is on rehearse --json
# (j the object, m the models by name).
rehearse() {
	expect_rc "$1" "$2" $CTL rehearse $NET --json --models $MODELS \
		--phones 20 --concurrency 8 --timeout-ms 5000 --installed "$3"
	if python3 - "$WORK/out" "$4" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
m = {x["model"]: x for x in j["models"]}
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
	then pass "$2: $4"; else
		fail "$2: $4"
		head -c 1500 "$WORK/out"
	fi
}
