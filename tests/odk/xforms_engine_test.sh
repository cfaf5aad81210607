#!/bin/sh
# The generated XForms run by ODK's own form engine (@getodk/xforms-engine,
# the engine of ODK Web Forms, from web/node_modules: scripts/web.sh installs
# it): every form loads, each constraint the forms mirror from validation
# fires with its message on a bad value, a filled form has no violation, and
# the instance the engine serialises reads back (lifeline xform
# --read-instance) into the record that was filled in, which passes
# validation (add --dry-run).
#
#   xforms_engine_test.sh LIFELINE SOURCE_DIR
set -eu
LIFELINE=$1
SRC=$2
if [ ! -d "$SRC/web/node_modules/@getodk/xforms-engine" ]; then
	echo "xforms_engine_test: run scripts/web.sh first (it installs @getodk/xforms-engine into web/node_modules)" >&2
	exit 1
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
"$LIFELINE" -q init store >/dev/null
"$LIFELINE" -q --store store case new nk --title "NK blockade" --region "Nagorno-Karabakh" --started 2022-12-12 \
	--source-publisher ICRC --source-title "Press release" --route "Lachin corridor|road|Goris|Stepanakert" \
	-o case >/dev/null
"$LIFELINE" -q --store store import case/records.jsonl >/dev/null
for kind in $("$LIFELINE" --store store xform --list | cut -f1 | sed 's/^lifeline-//'); do
	"$LIFELINE" -q --store store xform --kind "$kind" --case nk -o "$T/$kind.xml"
done
exec node "$SRC/tests/odk/check_xforms.mjs" "$LIFELINE" "$SRC/web" "$T"
