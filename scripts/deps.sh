#!/bin/sh
# Installs the Debian packages Lifeline needs to build, test and benchmark,
# skipping those already present. Retries while another process holds the
# dpkg lock (unattended-upgrades, a parallel apt run).
#
#   scripts/deps.sh          build + test dependencies
#   scripts/deps.sh bench    also the tools the benchmarks compare against
set -eu

PKGS="cmake ninja-build pkg-config g++ clang libclang-rt-14-dev
libsqlite3-dev sqlite3 libssl-dev openssl libsodium-dev nlohmann-json3-dev
libcpp-httplib-dev libmicrohttpd-dev libcli11-dev libtomlplusplus-dev
libicu-dev libgtest-dev libgmock-dev librapidcheck-dev libbenchmark-dev libmimalloc-dev
golang-go golang-golang-x-mod-dev python3 curl"
# The dashboard (scripts/web.sh vendors its libraries from npm), its browser
# tests (playwright-core driving Debian's chromium), PDF reports (chromium)
# and the fonts reports name for Armenian and Cyrillic text.
PKGS="$PKGS chromium fonts-noto-core fonts-dejavu-core"
# PDF reports carry their HTML as an attachment (qpdf writes it, poppler-cpp
# reads a PDF's text for verify-report); the CLI test edits a PDF with the
# qpdf program and pikepdf (python3-pikepdf, on qpdf) and reads it back with
# pdftotext (poppler-utils).
PKGS="$PKGS libqpdf-dev libpoppler-cpp-dev qpdf poppler-utils python3-pikepdf"
# tests/schema/check_rule_schema.py checks the JSON Schema with jsonschema.
PKGS="$PKGS python3-jsonschema"
# The ODK XForms and OpenRosa instances (src/intake) are XML: pugixml.
PKGS="$PKGS libpugixml-dev"
# The PostgreSQL store (libpq) and the throwaway cluster its tests start
# (tests/pg/pg_cluster.sh runs initdb and pg_ctl from the server package;
# Debian's postgresql also starts a system cluster, which the tests do not use).
PKGS="$PKGS libpq-dev postgresql"
# `lifeline publish` is tested served by Debian's nginx (tests/publish/), which
# bench/run_serve.sh also compares the tile server with.
PKGS="$PKGS nginx-light"
command -v node >/dev/null 2>&1 || PKGS="$PKGS nodejs npm"
if [ "${1:-}" = bench ]; then
	PKGS="$PKGS time python3-numpy"
	# bench/run_serve.sh: wrk against lifeline serve and Debian's nginx.
	PKGS="$PKGS wrk"
	# bench/run_analysis.sh compares the forecast with numpy (Debian's, run
	# with /usr/bin/python3).
	# bench/run_import.sh runs DuckDB from npm: Node.js, unless one is there.
	command -v node >/dev/null 2>&1 || PKGS="$PKGS nodejs npm"
fi

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps: installing$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo

retry() {
	n=0
	until "$@"; do
		n=$((n + 1))
		if [ $n -ge 30 ]; then
			echo "deps: '$*' failed $n times; giving up" >&2
			return 1
		fi
		echo "deps: '$*' failed (dpkg lock held?); retrying in 10 s ($n/30)" >&2
		sleep 10
	done
}
export DEBIAN_FRONTEND=noninteractive
retry $SUDO apt-get -o DPkg::Lock::Timeout=120 update -qq
# shellcheck disable=SC2086
retry $SUDO apt-get -o DPkg::Lock::Timeout=120 install -y -qq --no-install-recommends $missing
