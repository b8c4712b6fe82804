#!/bin/bash
# Installs the Debian 12 packages the build, the tests and the demo need,
# when any of them is missing.  Safe to run again: it installs nothing
# when all are there.
set -euo pipefail

PACKAGES=(
	# build
	gcc make cmake pkg-config clang libclang-rt-14-dev
	libssl-dev openssl libcmocka-dev python3
	# tokens: PKCS#11, SoftHSM as the stand-in eToken, PC/SC, USB
	libp11-dev libengine-pkcs11-openssl softhsm2 libsofthsm2
	opensc opensc-pkcs11 p11-kit p11-kit-modules libp11-kit-dev
	pcscd libpcsclite-dev libccid libusb-1.0-0-dev
	umockdev libumockdev-dev
	vsmartcard-vpcd vsmartcard-vpicc python3-virtualsmartcard
	python3-pycryptodome
	# TVS and the phone rehearsal: libevent; the nodes' TFTP server
	# (dnsmasq); curl, the TFTP client of the tests; tftpd-hpa, which
	# bench/bench_tftp.py measures dnsmasq against
	libevent-dev libcurl4-openssl-dev dnsmasq-base curl tftpd-hpa
	# bulk certificates: SFTP client (libssh) and a test SFTP server
	libssh-dev openssh-server openssh-client
	# the Debian packages, their man pages and bash completion
	dpkg-dev debhelper lintian scdoc bash-completion
	# a cluster on hosts of its own: network namespaces, TFTP fetches
	iproute2 curl
)

missing=()
for p in "${PACKAGES[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages: ${missing[*]}" >&2
	echo "deps.sh: run as root, or install them with apt-get" >&2
	exit 1
fi
echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
