# Assertions shared by the CLI test scripts; source it, then end the script
# with `finish`.
#
#   check NAME CODE PATTERN -- CMD...   CMD exits CODE and its stdout+stderr
#                                       matches the extended regex PATTERN
#   expect NAME GOT WANT                two strings are equal
passed=0
failed=0

check() {
	local name=$1 code=$2 pattern=$3
	shift 4
	local out rc=0
	out=$("$@" 2>&1) || rc=$?
	if [ "$rc" -ne "$code" ] || ! grep -Eq -- "$pattern" <<<"$out"; then
		echo "FAIL $name: exit $rc (want $code), output: $(head -c 2000 <<<"$out")"
		failed=$((failed + 1))
	else
		passed=$((passed + 1))
	fi
}

expect() {
	if [ "$2" != "$3" ]; then
		echo "FAIL $1: got '$2', want '$3'"
		failed=$((failed + 1))
	else
		passed=$((passed + 1))
	fi
}

# Prints the counts; fails when anything failed.
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

# The backend under test (tests/cli/backend.sh): on PostgreSQL, LL becomes a
# wrapper whose `init` makes each store on a new database of the test
# cluster. Checks about SQLite's own files go inside `if on_sqlite; then`.
# shellcheck source=backend.sh
. "$(dirname "${BASH_SOURCE[0]}")/backend.sh"
LL=$(backend_lifeline "$LL" "${WORK:?check.sh: set WORK before sourcing it}") || exit 2
