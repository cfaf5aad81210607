#!/bin/bash
# `lifeline severity` through the binary on the bundled Lachin case: each
# day checked below is read from the case's own records (named in the
# comments), the criteria and rule stated in every output, --by week, and
# bad input with the exit codes of docs/cli.md.
#
#   severity_cli_test.sh LIFELINE_BINARY SOURCE_DIR
set -uo pipefail
LL=$1
SRC=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# shellcheck source=check.sh
. "$(dirname "$0")/check.sh"

S=$WORK/store
"$LL" init --origin example.org/severity "$S" >/dev/null
"$LL" --store "$S" -q import "$SRC/data/cases/lachin-2022-23/records.jsonl" >/dev/null
size=$("$LL" --store "$S" --json log checkpoint | sed 's/.*"size":\([0-9]*\).*/\1/')
C=lachin-2022-23
day() { "$LL" --store "$S" --json severity --case $C --from "$1" --to "$1"; }

# The table states its checkpoint, the criteria and the rule.
check "table checkpoint" 0 "checkpoint $size " -- "$LL" --store "$S" severity --case $C
check "table criteria" 0 "can the sick leave" -- "$LL" --store "$S" severity --case $C
check "table rule" 0 "severe: food, medicine and sick all no" -- "$LL" --store "$S" severity --case $C

# 15 June 2023: rs-2023-06-15-full-closure (status closed, both ways) is in
# force on the lifeline road: food, medicine, sick and civilians all "no",
# decided by that record.
for c in food medicine sick civilians; do
	check "2023-06-15 $c no" 0 "\"$c\":\{\"answer\":\"no\",\"records\":\[\"rs-2023-06-15-full-closure\"\]\}" -- \
		day 2023-06-15
done
check "2023-06-15 json rule" 0 '"rule":\["severe: ' -- day 2023-06-15
# 10 January 2023: rs-2022-12-19-icrc-rp-only restricts persons, vehicles,
# cargo and commercial traffic, not humanitarian or medical passage (the
# ICRC and the peacekeepers pass): food and medicine enter, the sick leave,
# civilians cannot move.
check "2023-01-10 food yes" 0 '"food":\{"answer":"yes","records":\["rs-2022-12-19-icrc-rp-only"\]\}' -- day 2023-01-10
check "2023-01-10 civilians no" 0 '"civilians":\{"answer":"no","records":\["rs-2022-12-19-icrc-rp-only"\]\}' -- \
	day 2023-01-10
# 1 May 2023: rs-2023-04-29-icrc-transfers-suspended adds medical to the
# list: the sick cannot leave (class high), food still enters.
check "2023-05-01 sick no" 0 '"sick":\{"answer":"no","records":\["rs-2023-04-29-icrc-transfers-suspended"\]\}' -- \
	day 2023-05-01
check "2023-05-01 high" 0 '"class":"high"' -- day 2023-05-01
# 30 June 2023: rs-2023-06-25-medical-resumed restricts humanitarian too but
# not medical: food cannot enter, medicine can (medical passage).
check "2023-06-30 food no" 0 '"food":\{"answer":"no",' -- day 2023-06-30
check "2023-06-30 medicine yes" 0 '"medicine":\{"answer":"yes",' -- day 2023-06-30
# 13 December 2022: the gas supply cut (og-2022-12-13-gas) with the road
# closed: severe, the outage named.
check "2022-12-13 severe" 0 '"class":"severe"' -- day 2022-12-13
check "2022-12-13 gas" 0 '"utilities":\{"answer":"yes","records":\[[^]]*"og-2022-12-13-gas' -- day 2022-12-13

# Weeks: ISO weeks clipped to the range, the most severe day's class.
check "week" 0 '"by":"week"' -- "$LL" --store "$S" --json severity --case $C --by week
check "week first" 0 '"from":"2022-12-12","to":"2022-12-18"' -- \
	"$LL" --store "$S" --json severity --case $C --by week --to 2022-12-31
check "week table" 0 "^2023-06-12 \.\. 2023-06-18 severe" -- "$LL" --store "$S" severity --case $C --by week

check "bad --by" 2 "--by must be day or week, not \"month\"" -- "$LL" --store "$S" severity --case $C --by month
check "csv refused" 2 "severity: --format must be table or json" -- "$LL" --store "$S" severity --case $C --format csv
check "unknown case" 3 "no current case \"nope\"" -- "$LL" --store "$S" severity --case nope
check "from after to" 2 "--from 2023-05-01 is after --to 2023-04-01" -- \
	"$LL" --store "$S" severity --case $C --from 2023-05-01 --to 2023-04-01
finish
