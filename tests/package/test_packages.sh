#!/bin/bash
# The Debian packages: built from a copy of the source tree, checked by
# lintian, installed, used from their installed paths (a CTL shown, a
# one-node cluster run as the unit runs it and asked for its status),
# the unit verified and its sandbox scored, then purged, leaving nothing
# behind.  Needs root, dpkg-buildpackage and lintian; skipped (77) when
# the packages, their user or their group are on the machine already, as
# the purge would then remove what the test did not make.
#   test_packages.sh SOURCE-DIR
SRC=$(cd "$1" && pwd)
CTL=/usr/bin/ctlclient PUBD=/usr/sbin/ctlpublisherd
MAX_EXPOSURE=3.0
STATE=/var/lib/ctlpublisherd
APT=(apt-get -y -q -o DPkg::Lock::Timeout=120)

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "installing packages needs root"
for t in dpkg-buildpackage dh lintian scdoc apt-get systemd-analyze setpriv; do
	command -v "$t" >/dev/null || skip "$t is not installed (scripts/deps.sh)"
done
for p in ctlclient ctlpublisherd; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -qv not-installed &&
	    skip "the package $p is on this machine already"
done
getent passwd ctlpublisherd >/dev/null && skip "the user ctlpublisherd exists already"
for g in ctlsign ctlpublisherd; do
	getent group "$g" >/dev/null && skip "the group $g exists already"
done
[ -e "$STATE" ] && skip "$STATE exists already"

. "$SRC/tests/cluster/lib.sh"
NODE=cucm-pub
DIR=$STATE/$NODE
NODE_PID=""
INSTALLED=0
end() {
	[ -n "$NODE_PID" ] && kill "$NODE_PID" 2>/dev/null && wait "$NODE_PID" 2>/dev/null
	if [ "$INSTALLED" -eq 1 ]; then
		"${APT[@]}" purge ctlclient ctlpublisherd >"$WORK/purge-end.log" 2>&1 ||
		    dpkg --purge ctlclient ctlpublisherd >/dev/null 2>&1
	fi
	rm -rf "$WORK"
}
trap end EXIT INT TERM

# 1. Build from a copy of the tracked files, never inside the tree.
mkdir "$WORK/src"
(cd "$SRC" && git ls-files -co --exclude-standard -z | grep -zv '^build' |
    xargs -0 cp --parents -t "$WORK/src") || { echo "cannot copy $SRC"; exit 1; }
start=$SECONDS
if (cd "$WORK/src" && DEB_BUILD_OPTIONS="nocheck noddebs" timeout 240 dpkg-buildpackage -us -uc -b -j2) \
    >"$WORK/build.log" 2>&1; then
	pass "dpkg-buildpackage ($((SECONDS - start)) s)"
else
	fail "dpkg-buildpackage failed; its last lines:"
	tail -n 25 "$WORK/build.log"
	exit 1
fi
DEBS=("$WORK"/ctlclient_*.deb "$WORK"/ctlpublisherd_*.deb)

# 2. lintian: no errors; warnings are printed.
lintian "$WORK"/*.changes >"$WORK/lintian.log" 2>&1
grep -E '^[A-Z]: ' "$WORK/lintian.log" | sed 's/^/    lintian: /'
if grep -q '^E:' "$WORK/lintian.log"; then fail "lintian reports errors"; else
	pass "lintian: no errors ($(grep -c '^W:' "$WORK/lintian.log") warnings)"; fi

# 3. Install them, and nothing else.
extra=$("${APT[@]}" -s --no-install-recommends install "${DEBS[@]}" 2>/dev/null |
    awk '/^Inst / && $2 != "ctlclient" && $2 != "ctlpublisherd" { print $2 }')
[ -z "$extra" ] || skip "installing would also install: $extra (scripts/deps.sh installs them)"
INSTALLED=1
if "${APT[@]}" --no-install-recommends install "${DEBS[@]}" >"$WORK/install.log" 2>&1; then
	pass "apt-get install of both packages"
else
	fail "apt-get install failed:"; tail -n 15 "$WORK/install.log"; exit 1
fi
FILES=$(dpkg -L ctlclient ctlpublisherd | sort -u)
for f in /usr/bin/ctlclient /usr/sbin/ctlpublisherd \
    /usr/share/man/man1/ctlclient.1.gz /usr/share/man/man8/ctlpublisherd.8.gz \
    /usr/share/bash-completion/completions/ctlclient \
    /usr/share/bash-completion/completions/ctlpublisherd \
    /usr/lib/udev/rules.d/70-ctl-etoken.rules \
    /lib/systemd/system/ctlpublisherd@.service; do
	[ -f "$f" ] && pass "installed $f" || fail "$f is not installed"
done
getent group ctlsign >/dev/null && pass "group ctlsign created" || fail "no group ctlsign"
uid=$(id -u ctlpublisherd 2>/dev/null)
[ -n "$uid" ] && [ "$uid" -lt 1000 ] && pass "system user ctlpublisherd ($uid)" ||
    fail "no system user ctlpublisherd (uid '$uid')"
[ "$(stat -c '%a %U' "$STATE" 2>/dev/null)" = "700 ctlpublisherd" ] &&
    pass "$STATE is 0700, the user's" || fail "$STATE: $(stat -c '%a %U' "$STATE" 2>&1)"

# 4. The version is one: CMake's project, debian/changelog, --version.
want=$(sed -n 's/^project([^ ]* VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")
deb=$(cd "$SRC" && dpkg-parsechangelog -S Version)
[ "$deb" = "$want" ] && pass "debian/changelog is version $want" ||
    fail "debian/changelog says $deb, CMakeLists.txt $want: make them one"
expect_rc 0 "ctlclient --version" "$CTL" --version
expect_in "$WORK/out" "^ctlclient $want\$" "ctlclient --version prints $want"
expect_rc 0 "ctlpublisherd --version" "$PUBD" --version
expect_in "$WORK/out" "^ctlpublisherd $want\$" "ctlpublisherd --version prints $want"

# 5. A CTL built and shown by the installed ctlclient.
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=SAST1 -days 30 \
    -keyout "$WORK/sast.key" -out "$WORK/sast.crt" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=ccm1 -days 30 \
    -keyout "$WORK/ccm.key" -out "$WORK/ccm.crt" 2>/dev/null
cat "$WORK/sast.key" "$WORK/sast.crt" >"$WORK/signer.pem"
expect_rc 0 "ctlclient build" "$CTL" build -o "$WORK/CTLFile.tlv" \
    --signer "$WORK/signer.pem" --entry "role=CCM+TFTP,cert=$WORK/ccm.crt"
expect_rc 0 "ctlclient show of that CTL verifies" "$CTL" show "$WORK/CTLFile.tlv"
expect_in "$WORK/out" "CN=ccm1" "ctlclient show prints its records"

# 6. A one-node cluster in the unit's directory, run the way the unit runs
# it: as ctlpublisherd, no new privileges, only CAP_NET_BIND_SERVICE.
base=$(free_base 1)
expect_rc 0 "ctlpublisherd init as the service user" \
    setpriv --reuid=ctlpublisherd --regid=ctlpublisherd --init-groups \
    "$PUBD" init "$DIR" --nodes 1 --port "$base"
setpriv --reuid=ctlpublisherd --regid=ctlpublisherd --init-groups \
    --no-new-privs --inh-caps=-all --bounding-set=-all,+net_bind_service \
    "$PUBD" run "$DIR" --node "$NODE" >"$WORK/node.log" 2>&1 </dev/null &
NODE_PID=$!
export CTLCLIENT_KNOWN_SERVERS=$WORK/known_servers
# The officer's own copy of the password: ctlclient refuses another user's.
install -m 0600 "$DIR/admin.password" "$WORK/admin.password"
NET=(--server "127.0.0.2:$base" --user admin --password-file "$WORK/admin.password"
    --cafile "$DIR/trust.pem")
for _ in $(seq 50); do
	"$CTL" status "${NET[@]}" >"$WORK/out" 2>"$WORK/err" </dev/null && break
	kill -0 "$NODE_PID" 2>/dev/null || break
	sleep 0.2
done
expect_rc 0 "ctlclient status of the node" "$CTL" status "${NET[@]}"
expect_in "$WORK/out" "$NODE" "status names the node"
kill "$NODE_PID" && wait "$NODE_PID" 2>/dev/null
NODE_PID=""
pass "node stopped"

# 7. The unit: systemd-analyze verify, and its exposure score.
expect_rc 0 "systemd-analyze verify ctlpublisherd@$NODE.service" \
    systemd-analyze verify "ctlpublisherd@$NODE.service"
systemd-analyze security --offline=true --no-pager \
    /lib/systemd/system/ctlpublisherd@.service >"$WORK/security.log" 2>&1
score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' "$WORK/security.log")
echo "    systemd-analyze security: exposure $score"
if [ -n "$score" ] && awk -v s="$score" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(s <= m) }'; then
	pass "exposure $score <= $MAX_EXPOSURE"
else
	fail "exposure '$score' is above $MAX_EXPOSURE:"; grep '✗' "$WORK/security.log" | head -20
fi

# 8. Purge: nothing of theirs is left, nor the user, group and state.
if "${APT[@]}" purge ctlclient ctlpublisherd >"$WORK/purge.log" 2>&1; then
	INSTALLED=0
	pass "apt-get purge"
else
	fail "apt-get purge failed:"; tail -n 15 "$WORK/purge.log"
fi
left=""
for f in $FILES; do [ -f "$f" ] && left+=" $f"; done
[ -z "$left" ] && pass "no installed file is left" || fail "left after purge:$left"
[ ! -e "$STATE" ] && pass "$STATE removed" || fail "$STATE is left after purge"
getent passwd ctlpublisherd >/dev/null && fail "user ctlpublisherd is left" || pass "user removed"
for g in ctlsign ctlpublisherd; do
	getent group "$g" >/dev/null && fail "group $g is left" || pass "group $g removed"
done
finish
