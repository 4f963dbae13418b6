#!/usr/bin/env bash
# The operator's console in a real browser: starts a private geofleetd with the Monaco graph (embedded PostgreSQL,
# free ports), drives Debian's chromium headless through chromedriver and Selenium (scripts/console/console_test.py)
# and keeps its screenshots under .build-console/ (CI artefacts). Quiet on success but for a few measured lines.
#
#   GEOFLEET_BIN=<dir>             a directory holding built geofleetd and geofleet (else: swift build, debug)
#   GEOFLEET_CONSOLE_VENV=<dir>    where Selenium is installed (default .venv-console/)
#   GEOFLEET_CONSOLE_OUT=<dir>     where screenshots go (default .build-console/)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tool=console-test
secret=console-test-secret-0123456789abcdef-01234567
venv=${GEOFLEET_CONSOLE_VENV:-$root/.venv-console}
out=${GEOFLEET_CONSOLE_OUT:-$root/.build-console}
# shellcheck source-path=SCRIPTDIR source=lib/private-daemon.sh
. "$root/scripts/lib/private-daemon.sh"
# shellcheck source-path=SCRIPTDIR source=lib/python-venv.sh
. "$root/scripts/lib/python-venv.sh"

for program in /usr/bin/chromium /usr/bin/chromedriver; do
    [ -x "$program" ] || fail "$program is missing (scripts/install-deps.sh installs chromium and chromium-driver)"
done
ensure_venv "$venv" "$root/scripts/requirements-console.txt"
resolve_binaries
daemon_extra_env() {
    export GEOFLEET_OSM=$root/fixtures/osm/monaco.osm.pbf GEOFLEET_ROUTING_PROFILES=car,articulated
}
start_private_daemon
token=$(private_token console_operator --plan pro)
[ -n "$token" ] || fail "geofleet token printed nothing"
# The marketplace's service token, to put an open load up for the candidate-truck heat.
service_token=$(private_token console_market --plan pro --role service)
mkdir -p "$out"
# Selenium must not fetch a driver: the machine reaches Debian and PyPI only, and Debian's chromedriver is given.
SE_OFFLINE=true "$venv/bin/python" "$root/scripts/console/console_test.py" "$base" "$osmand_port" "$token" "$out" "$service_token" \
    || fail "the console test failed (screenshots in $out)"
kill -0 "$server_pid" 2>/dev/null || fail "geofleetd died during the console test"
