# Starting `lifeline serve` from a test script; source it.
#
#   start_server [--log FILE] LIFELINE STORE [SERVE_ARGS...]   starts it on a
#       free port of 127.0.0.1; sets URL (http://127.0.0.1:PORT) and
#       SERVER_PID. Without --log the server runs with -q and its output is
#       dropped once it is up; with --log it runs without -q and its stderr
#       (the access log, warnings) goes to FILE for the caller to read. It
#       sets no trap (a caller's EXIT trap stays its own): the caller stops
#       the server in its own cleanup, e.g. with stop_server. A server that
#       does not come up is stopped here, its output printed.
#   stop_server   stops the server start_server started, if any.
SERVER_PID=""
URL=""

start_server() {
	local log="" quiet=-q
	if [ "$1" = "--log" ]; then
		log=$2 quiet=
		shift 2
	fi
	local ll=$1 store=$2
	shift 2
	local out
	out=$(mktemp)
	# shellcheck disable=SC2086 # $quiet is empty or one word
	"$ll" --store "$store" --json $quiet serve --port 0 "$@" >"$out" 2>"${log:-$out}" &
	SERVER_PID=$!
	for _ in $(seq 100); do
		URL=$(sed -n 's/.*"url":"\(http[^"]*\)\/".*/\1/p' "$out")
		[ -n "$URL" ] && break
		if ! kill -0 "$SERVER_PID" 2>/dev/null; then
			echo "serve.sh: lifeline serve exited:" >&2
			cat "$out" ${log:+"$log"} >&2
			SERVER_PID=""
			rm -f "$out"
			return 1
		fi
		sleep 0.1
	done
	rm -f "$out"
	[ -n "$URL" ] || {
		echo "serve.sh: lifeline serve did not start" >&2
		[ -z "$log" ] || cat "$log" >&2
		stop_server
		return 1
	}
}

stop_server() {
	[ -n "$SERVER_PID" ] || return 0
	kill "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null
	SERVER_PID=""
}
