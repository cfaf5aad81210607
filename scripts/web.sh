#!/bin/sh
# Builds the dashboard's offline assets: installs the front-end libraries
# pinned in web/package-lock.json (npm ci, only when web/node_modules is
# missing or older than the lock file) and copies the files the browser loads
# into web/vendor/ (gitignored), which `lifeline serve` serves with web/.
# Nothing is fetched at run time: the dashboard works with no internet.
# Idempotent: a file is copied only when it differs, so a second run is quick.
#
#   scripts/web.sh
set -eu
cd "$(dirname "$0")/../web"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	echo "web.sh: node and npm are needed to vendor the dashboard's libraries (scripts/deps.sh installs them)" >&2
	exit 1
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	echo "web.sh: npm ci in web/" >&2
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.package-lock.json
fi

# copy SRC DEST: copies when DEST is missing or differs.
copy() {
	if ! cmp -s "$1" "$2"; then
		mkdir -p "$(dirname "$2")"
		cp "$1" "$2.tmp" && mv "$2.tmp" "$2"
	fi
}

copy node_modules/uplot/dist/uPlot.esm.js vendor/uplot/uPlot.esm.js
copy node_modules/uplot/dist/uPlot.min.css vendor/uplot/uPlot.min.css
copy node_modules/uplot/LICENSE vendor/uplot/LICENSE
copy node_modules/leaflet/dist/leaflet-src.esm.js vendor/leaflet/leaflet-src.esm.js
copy node_modules/leaflet/dist/leaflet.css vendor/leaflet/leaflet.css
copy node_modules/leaflet/LICENSE vendor/leaflet/LICENSE
for f in node_modules/leaflet/dist/images/*.png; do
	copy "$f" "vendor/leaflet/images/$(basename "$f")"
done
copy node_modules/topojson-client/dist/topojson-client.min.js vendor/topojson-client/topojson-client.min.js
copy node_modules/topojson-client/LICENSE vendor/topojson-client/LICENSE
copy node_modules/world-atlas/countries-10m.json vendor/world-atlas/countries-10m.json
copy node_modules/world-atlas/LICENSE vendor/world-atlas/LICENSE
copy node_modules/@noble/ed25519/index.js vendor/noble-ed25519/index.js
copy node_modules/@noble/ed25519/LICENSE vendor/noble-ed25519/LICENSE

# The intake page's form renderer: ODK Web Forms (@getodk/web-forms, ODK's
# successor to Enketo) with Vue, bundled with esbuild into one module.
node forms/build.mjs
copy node_modules/@getodk/web-forms/package.json vendor/odk-web-forms/web-forms.package.json
copy node_modules/vue/LICENSE vendor/odk-web-forms/LICENSE.vue

# verify.html's template: the one-file verifier (web/verify/), bundled with
# esbuild into one inline script; `lifeline verifier` pins the key and policy.
node verify/build.mjs
