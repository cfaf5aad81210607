#!/bin/bash
# A throwaway PostgreSQL 15 cluster for the tests: no system service, no TCP
# port, a Unix socket in a private directory.
#
#   pg_cluster.sh start STATE_FILE [durable]
#                                    initdb + pg_ctl start; writes the socket
#                                    directory (the libpq `host`) to STATE_FILE
#   pg_cluster.sh stop STATE_FILE    pg_ctl stop -m immediate; removes it all
#   pg_cluster.sh restart STATE_FILE [fast|immediate]
#                                    pg_ctl restart (the fault tests)
#   pg_cluster.sh resume STATE_FILE  starts a cluster stopped through pg_ctl
#   pg_cluster.sh pg_ctl STATE_FILE ARGS...
#                                    pg_ctl -D DATA ARGS as the cluster's owner
#
# PG_CLUSTER_DIR, when set for `start`, is an empty directory (owned by
# `postgres` when run as root) to hold the cluster instead of a new
# /tmp/lifeline-pg.*: a small tmpfs, for the full-disk test. `stop` stops
# that cluster and leaves the directory to its owner.
#   pg_cluster.sh replica STATE_FILE REPLICA_STATE_FILE
#                                    a hot standby of that cluster, streaming
#                                    from it (pg_basebackup -R), on its own
#                                    socket directory, written to
#                                    REPLICA_STATE_FILE; `stop` stops it
#
# ctest runs `start` as the FIXTURES_SETUP of the suites that use PostgreSQL
# and `stop` as their FIXTURES_CLEANUP (CMakeLists.txt). The tests read
# STATE_FILE (LIFELINE_PG_STATE) and make their stores in schemas of the
# database lifeline_test, made here.
# As root (CI), initdb and postgres run as the `postgres` user, which owns the
# cluster directory (PostgreSQL refuses to run as root). The cluster runs
# with fsync off: it is thrown away, and the tests are about semantics, not
# durability on power loss; `durable` keeps PostgreSQL's defaults (fsync on,
# full page writes) for benchmarks. Missing binaries are an error, never a
# skip.
set -euo pipefail
cmd=${1:?usage: pg_cluster.sh start|stop|restart|resume|pg_ctl|replica STATE_FILE [ARGS]}
state=${2:?usage: pg_cluster.sh start|stop|restart|resume|pg_ctl|replica STATE_FILE [ARGS]}
settings="-c fsync=off -c full_page_writes=off"
[ "$cmd" = start ] && [ "${3:-}" = durable ] && settings=""


bindir=""
for d in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
	if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
		bindir=$d
		break
	fi
done
if [ -z "$bindir" ]; then
	echo "pg_cluster.sh: PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql:" \
		"install the postgresql package (scripts/deps.sh does)" >&2
	exit 1
fi

as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

stop() {
	[ -f "$state" ] || return 0
	local dir
	dir=$(cat "$state")
	if [ -d "$dir/data" ]; then
		as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	# In the background: the property tests leave thousands of relation
	# files, and removing them took 5-8 s on an ext4 mounted with discard.
	case "$dir" in /tmp/lifeline-pg.*) setsid rm -rf "$dir" </dev/null >/dev/null 2>&1 & ;; esac
	rm -f "$state"
}

# Starts the server of the cluster in $1 (made by start).
run_server() {
	if ! as_owner "$bindir/pg_ctl" -D "$1/data" -l "$1/server.log" -w -t 60 \
		-o "-k $1 -c listen_addresses= -c max_connections=200 $settings" \
		start >/dev/null; then
		tail -20 "$1/server.log" >&2
		exit 1
	fi
}

start() {
	stop  # a cluster left by an interrupted run
	mkdir -p "$(dirname "$state")"
	local dir=${PG_CLUSTER_DIR:-}
	[ -n "$dir" ] || dir=$(mktemp -d /tmp/lifeline-pg.XXXXXX)
	echo "$dir" >"$state"
	if [ "$(id -u)" -eq 0 ]; then
		id postgres >/dev/null 2>&1 || { echo "pg_cluster.sh: running as root needs the postgres user" >&2; exit 1; }
		chown postgres: "$dir"
	fi
	chmod 700 "$dir"
	if ! as_owner "$bindir/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync \
		>"$dir/initdb.log" 2>&1; then
		cat "$dir/initdb.log" >&2
		exit 1
	fi
	run_server "$dir"
	# The database the tests' stores share, one schema each.
	if ! "$bindir/createdb" -h "$dir" -U postgres lifeline_test 2>"$dir/createdb.log"; then
		cat "$dir/createdb.log" >&2
		exit 1
	fi
	echo "pg_cluster.sh: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on socket directory $dir"
}

restart() {
	local dir
	dir=$(cat "$state")
	if ! as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m "${1:-fast}" -w -t 60 restart >/dev/null; then
		tail -20 "$dir/server.log" >&2
		exit 1
	fi
}

# A hot standby of the cluster of $state: a base backup streamed over the
# primary's socket (initdb's pg_hba allows local replication with -A trust),
# standby.signal and primary_conninfo written by -R, its own socket
# directory; reads only (hot_standby is on by default).
replica() {
	local primary rstate=${1:?usage: pg_cluster.sh replica STATE_FILE REPLICA_STATE_FILE}
	primary=$(cat "$state")
	state=$rstate
	stop
	local dir
	dir=$(mktemp -d /tmp/lifeline-pg.XXXXXX)
	echo "$dir" >"$state"
	[ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
	chmod 700 "$dir"
	if ! as_owner "$bindir/pg_basebackup" -h "$primary" -U postgres -D "$dir/data" -R -X stream -c fast --no-sync \
		>"$dir/basebackup.log" 2>&1; then
		cat "$dir/basebackup.log" >&2
		exit 1
	fi
	if ! as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-k $dir -c listen_addresses= -c max_connections=200 -c hot_standby=on $settings" start >/dev/null; then
		cat "$dir/server.log" >&2
		exit 1
	fi
	echo "pg_cluster.sh: hot standby of $primary on socket directory $dir"
}

case "$cmd" in
start) start ;;
stop) stop ;;
restart) restart "${3:-fast}" ;;
resume) run_server "$(cat "$state")" ;;
pg_ctl) shift 2; as_owner "$bindir/pg_ctl" -D "$(cat "$state")/data" "$@" ;;
replica) replica "${3:-}" ;;
*) echo "pg_cluster.sh: unknown command '$cmd' (start, stop, restart, resume, pg_ctl or replica)" >&2; exit 2 ;;
esac
