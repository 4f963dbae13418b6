#!/usr/bin/env bash
# The standing attack suite: a private geofleetd (embedded PostgreSQL under a temp dir, free
# ports on 127.0.0.1, short timeouts) attacked as a hostile device and a hostile pro user would:
# poison values PostgreSQL refuses in every protocol's free text, boundary and huge numbers in every API
# parameter and body field, slowloris on every port, a frame flood on one device connection, a rebinding
# race, a tampered archive manifest and claim-code guessing. After each attack: the daemon answers, another tenant's
# positions still reach PostGIS, RSS stays under its bound, and nothing acknowledged is lost.
# Quiet on success but for one line per attack; on failure says what broke and shows the daemon's log.
#
#   GEOFLEET_BIN=<dir>          a directory holding built geofleetd and geofleet (else: swift build, debug)
#   GEOFLEET_ATTACK_RSS_MB=<n>  how far RSS may grow over its value after start-up (default 400)
#   GEOFLEET_ATTACK_ONLY=<name> run one attack (poison, numbers, fences, slowloris, flood, rebind, archive, claim)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tool=attack
secret=attack-secret-0123456789abcdef-0123456789abcdef
# shellcheck source-path=SCRIPTDIR source=lib/private-daemon.sh
. "$root/scripts/lib/private-daemon.sh"
resolve_binaries
daemon_extra_env() {
    # Short timeouts, so that the slowloris attack proves them in seconds.
    export GEOFLEET_HTTP_HEADER_TIMEOUT_SECONDS=3 GEOFLEET_HTTP_BODY_TIMEOUT_SECONDS=3 GEOFLEET_HTTP_IDLE_TIMEOUT_SECONDS=5 \
        GEOFLEET_DEVICE_HANDSHAKE_SECONDS=3 GEOFLEET_DEVICE_IDLE_SECONDS=20 GEOFLEET_OSMAND_REQUEST_SECONDS=3
}
start_private_daemon

export ATTACK_PID=$server_pid ATTACK_HTTP=$http_port ATTACK_TELTONIKA=$teltonika_port ATTACK_GT06=$gt06_port \
    ATTACK_OSMAND=$osmand_port ATTACK_RUPTELA=$ruptela_port ATTACK_WORK=$work ATTACK_BIN=$bin
ATTACK_TOKEN_A=$(private_token attack_alice --plan pro)
ATTACK_TOKEN_B=$(private_token attack_bob --plan pro)
ATTACK_TOKEN_C=$(private_token attack_canary --plan pro)
export ATTACK_TOKEN_A ATTACK_TOKEN_B ATTACK_TOKEN_C
# The archive attack runs the operator CLI against the daemon's own database.
export ATTACK_CLI_ENV="GEOFLEET_DATA_DIR=$work/data GEOFLEET_JWT_SECRET=$secret"
"$python" "$root/scripts/attack/attacks.py" || fail "an attack broke an invariant (see above)"
kill -0 "$server_pid" 2>/dev/null || fail "geofleetd died"
