# Starting `lifeline serve` from a test script; source it.
#
#   start_server LIFELINE STORE [SERVE_ARGS...]   starts it on a free port of
#       127.0.0.1; sets URL (http://127.0.0.1:PORT) and SERVER_PID. It sets
#       no trap (a caller's EXIT trap stays its own): the caller stops the
#       server in its own cleanup, e.g. with stop_server. A server that does
#       not come up is stopped here.
#   stop_server   stops the server start_server started, if any.
SERVER_PID=""
URL=""

start_server() {
	local ll=$1 store=$2
	shift 2
	local out
	out=$(mktemp)
	"$ll" --store "$store" --json -q serve --port 0 "$@" >"$out" 2>&1 &
	SERVER_PID=$!
	for _ in $(seq 100); do
		URL=$(sed -n 's/.*"url":"\(http[^"]*\)\/".*/\1/p' "$out")
		[ -n "$URL" ] && break
		if ! kill -0 "$SERVER_PID" 2>/dev/null; then
			echo "serve.sh: lifeline serve exited:" >&2
			cat "$out" >&2
			return 1
		fi
		sleep 0.1
	done
	rm -f "$out"
	[ -n "$URL" ] || {
		echo "serve.sh: lifeline serve did not start" >&2
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
