# A throw-away OpenSSH SFTP server on 127.0.0.1, for tests (sourced).
#   . sshd_lib.sh; sshd_start WORKDIR; ...; sshd_stop   (call sshd_stop
#   from the test's EXIT trap: it is safe to call twice)
# sshd_start sets:
#   SSHD_PORT      the port it listens on
#   SFTP_USER      a system account made for the test (useradd -M),
#                  removed by sshd_stop
#   SFTP_PASSWORD_FILE  its random password, first line (mode 0600)
#   SFTP_KEY       a private key (ed25519) the account also accepts
#   SFTP_DIR       the writable directory, as the SFTP client sees it
#   SFTP_DATA      the same directory as this machine sees it
#   SFTP_URL       sftp://USER@127.0.0.1:PORT/DIR
#   SSHD_HOSTKEY_FP  the host key's SHA256 fingerprint
# sshd_restart_new_hostkey: the same server with a new host key.
# The account is chrooted (ChrootDirectory) and can do SFTP only.

SSHD_PID=""
SFTP_USER=""
SSHD_WORK=""
SSHD_ROOT=""

# A free TCP port on 127.0.0.1.
sshd_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

sshd_run() {
	local i
	/usr/sbin/sshd -D -e -f "$SSHD_WORK/sshd_config" \
		>>"$SSHD_WORK/sshd.log" 2>&1 &
	SSHD_PID=$!
	for i in $(seq 50); do
		python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).recv(4)' \
			"$SSHD_PORT" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "sshd did not start:"; tail -5 "$SSHD_WORK/sshd.log"
	return 1
}

sshd_new_hostkey() {
	rm -f "$SSHD_WORK/hostkey" "$SSHD_WORK/hostkey.pub"
	ssh-keygen -q -t ed25519 -N '' -f "$SSHD_WORK/hostkey" >/dev/null
	SSHD_HOSTKEY_FP=$(ssh-keygen -lf "$SSHD_WORK/hostkey.pub" | awk '{print $2}')
}

sshd_start() {   # WORKDIR
	SSHD_WORK=$1
	mkdir -p "$SSHD_WORK" /run/sshd
	# The chroot and every directory above it must belong to root and
	# be writable by no one else, which rules out /tmp.
	SSHD_ROOT=$(mktemp -d /run/ctlsftp.XXXXXX)
	chmod 755 "$SSHD_ROOT"
	SFTP_USER=ctlsftp$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
	useradd -M -d / -s /usr/sbin/nologin "$SFTP_USER" || return 1
	umask 077
	openssl rand -hex 16 >"$SSHD_WORK/sftp.password"
	umask 022
	SFTP_PASSWORD_FILE=$SSHD_WORK/sftp.password
	echo "$SFTP_USER:$(cat "$SFTP_PASSWORD_FILE")" | chpasswd || return 1
	mkdir -p "$SSHD_ROOT/exchange"
	chown "$SFTP_USER" "$SSHD_ROOT/exchange"
	SFTP_DIR=/exchange
	SFTP_DATA=$SSHD_ROOT/exchange
	ssh-keygen -q -t ed25519 -N '' -f "$SSHD_WORK/client_key" >/dev/null
	SFTP_KEY=$SSHD_WORK/client_key
	# sshd reads it as the user: not under WORKDIR, which may be 0700.
	cp "$SSHD_WORK/client_key.pub" "$SSHD_ROOT/authorized_keys"
	chmod 644 "$SSHD_ROOT/authorized_keys"
	sshd_new_hostkey
	SSHD_PORT=$(sshd_free_port)
	cat >"$SSHD_WORK/sshd_config" <<CONF
ListenAddress 127.0.0.1
Port $SSHD_PORT
HostKey $SSHD_WORK/hostkey
PidFile $SSHD_WORK/sshd.pid
AuthorizedKeysFile $SSHD_ROOT/authorized_keys
StrictModes no
PasswordAuthentication yes
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers $SFTP_USER
UsePAM no
Subsystem sftp internal-sftp
ForceCommand internal-sftp
ChrootDirectory $SSHD_ROOT
AllowTcpForwarding no
X11Forwarding no
LogLevel ${SSHD_LOGLEVEL:-ERROR}
CONF
	SFTP_URL=sftp://$SFTP_USER@127.0.0.1:$SSHD_PORT$SFTP_DIR
	sshd_run
}

sshd_kill() {
	if [ -n "$SSHD_PID" ]; then
		kill "$SSHD_PID" 2>/dev/null
		wait "$SSHD_PID" 2>/dev/null
		SSHD_PID=""
	fi
}

sshd_restart_new_hostkey() {
	sshd_kill
	sshd_new_hostkey
	sshd_run
}

sshd_stop() {
	sshd_kill
	if [ -n "$SFTP_USER" ]; then
		userdel "$SFTP_USER" 2>/dev/null
		SFTP_USER=""
	fi
	if [ -n "$SSHD_ROOT" ]; then
		rm -rf "$SSHD_ROOT"
		SSHD_ROOT=""
	fi
}
