# The store backend a test script runs on; source it.
#
# ctest runs the CLI scripts (and the dashboard's browser test) twice: as is,
# on SQLite, and as NAME_pg with LIFELINE_TEST_BACKEND=postgres and the test
# cluster (tests/pg/pg_cluster.sh; LIFELINE_PG_STATE names its socket
# directory). There the script's `lifeline` is a wrapper that gives every
# `lifeline init` a new database of the cluster (`--db`), so the same checks
# run on PostgreSQL unchanged.
#
#   on_sqlite                     true when the backend is SQLite: checks
#                                 about SQLite's own files (the LOCK,
#                                 lifeline.db, a tmpfs filling up) go inside
#                                 `if on_sqlite; then ... fi`
#   backend_lifeline BINARY DIR   prints the `lifeline` to run: BINARY itself
#                                 on SQLite, else a wrapper written into DIR
TEST_BACKEND=${LIFELINE_TEST_BACKEND:-sqlite}
on_sqlite() { [ "$TEST_BACKEND" = sqlite ]; }

backend_lifeline() {
	local ll dir=$2
	ll=$(realpath "$1") || return 1
	case $TEST_BACKEND in
	sqlite)
		echo "$ll"
		return 0
		;;
	postgres) ;;
	*)
		echo "backend.sh: LIFELINE_TEST_BACKEND must be sqlite or postgres, not '$TEST_BACKEND'" >&2
		return 1
		;;
	esac
	if [ -z "${LIFELINE_PG_STATE:-}" ]; then
		echo "backend.sh: run through ctest: the postgres fixture sets LIFELINE_PG_STATE" >&2
		return 1
	fi
	cat >"$dir/.lifeline-pg" <<WRAPPER
#!/bin/bash
# \`lifeline\` whose \`init\` makes its store on a new database (tests/cli/backend.sh).
sock=\$(cat "$LIFELINE_PG_STATE")
pgbin=\$(ls -d /usr/lib/postgresql/*/bin | sort -rV | head -1)
args=("\$@")
i=0
while [ \$i -lt \${#args[@]} ]; do
	case \${args[\$i]} in
	--store) i=\$((i + 2)) ;;
	-*) i=\$((i + 1)) ;;
	init)
		db=t_\$\$_\$(date +%s%N)
		"\$pgbin/createdb" -h "\$sock" -U postgres "\$db" || exit 1
		exec "$ll" "\$@" --db "host=\$sock user=postgres dbname=\$db"
		;;
	*) break ;;
	esac
done
exec "$ll" "\$@"
WRAPPER
	chmod +x "$dir/.lifeline-pg"
	echo "$dir/.lifeline-pg"
}
