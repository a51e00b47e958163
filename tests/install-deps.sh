#!/bin/sh
# Installs what s3watch needs to build and test, when it is missing:
# Debian packages through apt-get, and moto (the AWS emulator the tests
# run against) through pip.  Safe to run again; it only adds what is absent.
set -eu

pkgs="build-essential autoconf automake pkg-config libncurses-dev
libcurl4-openssl-dev libssl-dev libjson-c-dev libconfig-dev libexpat1-dev
libinih-dev libcmocka-dev libzip-dev zlib1g-dev awscli python3 curl jq
tmux time valgrind clang"

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "install-deps: installing$missing"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
		--no-install-recommends $missing
fi

# moto is not packaged by Debian; find a Python that has it, else pip it.
for py in "${S3WATCH_PYTHON:-}" python3 "$HOME"/.pyenv/versions/*/bin/python3; do
	[ -n "$py" ] && command -v "$py" >/dev/null 2>&1 || continue
	if "$py" -c 'import moto.server, botocore' 2>/dev/null; then
		exit 0
	fi
done
echo "install-deps: moto not found; running: pip install 'moto[server]'"
python3 -m pip install --user 'moto[server]' || {
	echo "install-deps: could not install moto; install it with" \
	    "pip install 'moto[server]'" >&2
	exit 1
}
