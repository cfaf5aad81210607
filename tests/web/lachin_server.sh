# Sourced by the browser tests: checks that the browser parts are installed,
# then serves the bundled Lachin case (serve_lachin), or every bundled case
# (serve_cases: Lachin, and Gaza with its daily truck CSV through its
# mapping), from a fresh store on a free port of 127.0.0.1 with the dashboard
# (sets URL and SERVER_PID; the server and the store go when the script
# exits).
#
#   serve_lachin TEST_NAME LIFELINE_BINARY SOURCE_DIR
#   serve_cases TEST_NAME LIFELINE_BINARY SOURCE_DIR
serve_lachin() {
	local name=$1 ll=$2 src=$3
	if [ ! -f "$src/web/vendor/leaflet/leaflet-src.esm.js" ] || [ ! -d "$src/web/node_modules/playwright-core" ]; then
		echo "$name: web/vendor or playwright-core is missing: run scripts/web.sh (make build does)" >&2
		exit 1
	fi
	if [ ! -x /usr/bin/chromium ]; then
		echo "$name: /usr/bin/chromium is missing: run scripts/deps.sh (apt-get install chromium)" >&2
		exit 1
	fi
	# shellcheck source=../cli/serve.sh
	. "$src/tests/cli/serve.sh"
	LACHIN_WORK=$(mktemp -d)
	trap 'stop_server; rm -rf "$LACHIN_WORK"' EXIT
	# On PostgreSQL for NAME_pg (tests/cli/backend.sh).
	# shellcheck source=../cli/backend.sh
	. "$src/tests/cli/backend.sh"
	ll=$(backend_lifeline "$ll" "$LACHIN_WORK") || exit 1
	"$ll" init --origin "example.org/$name" "$LACHIN_WORK/store" >/dev/null
	"$ll" --store "$LACHIN_WORK/store" -q import "$src/data/cases/lachin-2022-23/records.jsonl" >/dev/null
	if [ "${SERVE_ALL_CASES:-0}" = 1 ]; then
		local gaza=$src/data/cases/gaza-access-2023-24
		"$ll" --store "$LACHIN_WORK/store" -q import "$gaza/records.jsonl" >/dev/null
		"$ll" --store "$LACHIN_WORK/store" -q import --case gaza-access-2023-24 --mapping "$gaza/trucks.toml" \
			"$gaza/gaza_food_trucks.csv" >/dev/null
	fi
	# A browser test runs a reader's day of clicks in seconds, once per case
	# against one server: the per-address rate limit (cli_serve tests it) is
	# raised out of its way.
	start_server "$ll" "$LACHIN_WORK/store" --web "$src/web" --cases-dir "$src/data/cases" --rate-limit 20000 || exit 1
}

serve_cases() {
	SERVE_ALL_CASES=1 serve_lachin "$@"
}
