#!/bin/bash
# Connection options before or after the command, named servers from the
# configuration file, $CTLCLIENT_SERVER, and which wins, against a real
# one-node cluster on 127.0.0.x (stopped at the end, pass or fail).
#   test_config_cli.sh CTLCLIENT CTLPUBLISHERD
CTL=$1 PUBD=$2
. "$(dirname "$0")/../cluster/lib.sh"

unset CTLCLIENT_PASSWORD CTLCLIENT_SERVER CTLCLIENT_CONFIG XDG_CONFIG_HOME
export HOME=$WORK/home
mkdir -p "$HOME" && chmod 755 "$HOME"
make_cluster 1
PW=$DIR/admin.password CA=$DIR/trust.pem
AUTH="--user admin --password-file $PW --cafile $CA"
# A port nothing listens on: reaching it fails fast.
DEAD=127.0.0.1:$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# --- options before or after the command ---
expect_rc 0 "options after the command" $CTL status $NET
expect_rc 0 "options before the command" $CTL $NET status
expect_rc 0 "--opt=value before the command" $CTL --server=$SERVER --timeout=5 $AUTH status
expect_rc 0 "after wins over before" $CTL --server $DEAD $AUTH status --server $SERVER
expect_rc 1 "after wins over before (the other way)" $CTL --server $SERVER $AUTH status --server $DEAD
expect_rc 2 "a command option before the command is refused" $CTL --json status $NET
expect_in "$WORK/err" "option '--json' before the command: only the connection options" "says which options go there"
expect_rc 2 "connection options before a command that does not connect" $CTL --server $SERVER show x.tlv
expect_in "$WORK/err" "show does not connect" "says the command does not connect"
expect_rc 2 "a bad value before the command" $CTL --timeout 0 status $NET
expect_in "$WORK/err" "--timeout 0: seconds" "names the bad value"
expect_rc 2 "an option missing its value before the command" $CTL --server
expect_in "$WORK/err" "needs a value" "says the value is missing"

# --- named servers ---
CONF=$WORK/conf/config
mkdir -p "$WORK/conf" && chmod 700 "$WORK/conf"
cat >"$CONF" <<CF
# the lab cluster
Host labA
    Server $SERVER
    user admin
    PasswordFile $PW
    CAFILE $CA

Host wronguser
	Server $SERVER
	User nobody-here
	PasswordFile $PW
	CAFile $CA
Host 127.0.0.9
	Server $SERVER
	PasswordFile $PW
	CAFile $CA
CF
chmod 600 "$CONF"
export CTLCLIENT_CONFIG=$CONF
expect_rc 0 "--server NAME from the configuration" $CTL status --json --server labA
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["nodes"][0]["name"] == "cucm-pub", j' "$WORK/out" &&
	pass "it reached the cluster" || fail "status --json from labA"
expect_rc 0 "Host names are case-insensitive" $CTL status --server LABA
expect_rc 0 "--server NAME before the command" $CTL --server labA status
expect_rc 0 "a Host match wins over the host of that name" $CTL status --server 127.0.0.9
expect_rc 1 "the configuration's User is used" $CTL status --server wronguser
expect_in "$WORK/err" "[Ll]ogin|password|auth" "the login as that user is refused"
expect_rc 0 "--user overrides the configuration" $CTL status --server wronguser --user admin
expect_rc 0 "--user before the command overrides it too" $CTL --user admin status --server wronguser
expect_rc 1 "--password-file overrides the configuration" $CTL status --server labA --password-file /nonexistent
expect_rc 1 "a name not in the configuration is a host" $CTL status --server nosuch.invalid --timeout 2
expect_in "$WORK/err" "nosuch.invalid" "it was tried as a host"
expect_rc 1 "HOST:PORT is never looked up" $CTL status --server $DEAD $AUTH

# $CTLCLIENT_SERVER
expect_rc 0 "CTLCLIENT_SERVER=NAME" env CTLCLIENT_SERVER=labA $CTL status
expect_rc 0 "CTLCLIENT_SERVER=HOST:PORT" env CTLCLIENT_SERVER=$SERVER $CTL status $AUTH
expect_rc 0 "--server wins over CTLCLIENT_SERVER" env CTLCLIENT_SERVER=$DEAD $CTL status --server labA
expect_rc 0 "--server before the command wins over it too" env CTLCLIENT_SERVER=$DEAD $CTL --server labA status
expect_rc 2 "no server at all" $CTL status
expect_in "$WORK/err" "CTLCLIENT_SERVER" "names the variable"

# --- a configuration that others could change is refused ---
chmod 620 "$CONF"
expect_rc 2 "a group-writable configuration file" $CTL status --server labA
expect_in "$WORK/err" "writable by group or others.*chmod go-w $CONF" "says what to chmod"
chmod 600 "$CONF"
chmod 777 "$WORK/conf"
expect_rc 2 "a world-writable directory" $CTL status --server labA
expect_in "$WORK/err" "directory of the configuration file is writable.*chmod go-w $WORK/conf" "says what to chmod"
chmod 700 "$WORK/conf"

# --- a bad line names the file and the line ---
printf 'Host x\n  Server 127.0.0.1\n  Port 2444\n' >"$CONF"
expect_rc 2 "an unknown keyword" $CTL status --server labA
expect_in "$WORK/err" "$CONF:3: unknown keyword 'Port'" "names the file, the line and the keyword"
printf '# top\nServer 127.0.0.1\n' >"$CONF"
expect_rc 2 "a keyword outside a Host block" $CTL status --server labA
expect_in "$WORK/err" "$CONF:2: Server outside a Host block" "names the line"

# --- the usual places: XDG_CONFIG_HOME, else ~/.config, then /etc ---
unset CTLCLIENT_CONFIG
mkdir -p "$HOME/.config/ctlclient" && chmod 700 "$HOME/.config" "$HOME/.config/ctlclient"
printf 'Host home\n Server %s\n PasswordFile %s\n CAFile %s\n' "$SERVER" "$PW" "$CA" >"$HOME/.config/ctlclient/config"
chmod 600 "$HOME/.config/ctlclient/config"
expect_rc 0 "~/.config/ctlclient/config" $CTL status --server home
mkdir -p "$WORK/xdg/ctlclient" && chmod 700 "$WORK/xdg" "$WORK/xdg/ctlclient"
printf 'Host xdg\n Server %s\n PasswordFile %s\n CAFile %s\n' "$SERVER" "$PW" "$CA" >"$WORK/xdg/ctlclient/config"
chmod 600 "$WORK/xdg/ctlclient/config"
expect_rc 0 "\$XDG_CONFIG_HOME/ctlclient/config" env XDG_CONFIG_HOME=$WORK/xdg $CTL status --server xdg
expect_rc 1 "XDG_CONFIG_HOME replaces ~/.config" env XDG_CONFIG_HOME=$WORK/xdg $CTL status --server home --timeout 2

finish
