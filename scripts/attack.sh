#!/usr/bin/env bash
# The standing attack suite: a private geofleetd (embedded PostgreSQL under a temp dir, free
# ports on 127.0.0.1, short timeouts) attacked as a hostile device and a hostile pro user would:
# poison values PostgreSQL refuses in every protocol's free text, boundary and huge numbers in every API
# parameter and body field, slowloris on every port, a frame flood on one device connection, a rebinding
# race, a tampered archive manifest, claim-code guessing, and plain bytes and stalled handshakes on the
# TLS ports (the daemon runs with TLS on: a Teltonika TLS port, and the API port serving HTTPS beside plain
# HTTP). After each attack: the daemon answers, another tenant's positions still reach PostGIS, RSS stays
# under its bound, and nothing acknowledged is lost.
# Quiet on success but for one line per attack; on failure says what broke and shows the daemon's log.
#
#   GEOFLEET_BIN=<dir>          a directory holding built geofleetd and geofleet (else: swift build, debug)
#   GEOFLEET_ATTACK_RSS_MB=<n>  how far RSS may grow over its value after start-up (default 400)
#   GEOFLEET_ATTACK_ONLY=<name> run one attack (poison, numbers, fences, slowloris, flood, rebind, archive, claim, tls)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tool=attack
secret=attack-secret-0123456789abcdef-0123456789abcdef
# shellcheck source-path=SCRIPTDIR source=lib/private-daemon.sh
. "$root/scripts/lib/private-daemon.sh"
resolve_binaries
# TLS with a throw-away CA: the TLS attack's ports, and every other attack on the API goes through the
# port's TLS sniffing too.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=attack CA" \
    -addext basicConstraints=critical,CA:TRUE -keyout "$work/ca.key" -out "$work/ca.crt" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=localhost" -keyout "$work/server.key" \
    -out "$work/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$work/server.ext"
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -set_serial 0x17 -days 2 \
    -extfile "$work/server.ext" -out "$work/server.crt" 2>/dev/null
read -r teltonika_tls_port < <(free_ports 1)
daemon_extra_env() {
    # Short timeouts, so that the slowloris attack proves them in seconds.
    export GEOFLEET_HTTP_HEADER_TIMEOUT_SECONDS=3 GEOFLEET_HTTP_BODY_TIMEOUT_SECONDS=3 GEOFLEET_HTTP_IDLE_TIMEOUT_SECONDS=5 \
        GEOFLEET_DEVICE_HANDSHAKE_SECONDS=3 GEOFLEET_DEVICE_IDLE_SECONDS=20 GEOFLEET_OSMAND_REQUEST_SECONDS=3
    # One tile render at a time and two waiting, so that the tile flood meets the refusal (503) as well.
    export GEOFLEET_TILE_RENDERS=1 GEOFLEET_TILE_QUEUE=2
    export GEOFLEET_TLS_CERT=$work/server.crt GEOFLEET_TLS_KEY=$work/server.key GEOFLEET_TELTONIKA_TLS_PORT=$teltonika_tls_port
}
start_private_daemon

export ATTACK_PID=$server_pid ATTACK_HTTP=$http_port ATTACK_TELTONIKA=$teltonika_port ATTACK_GT06=$gt06_port \
    ATTACK_OSMAND=$osmand_port ATTACK_RUPTELA=$ruptela_port ATTACK_WORK=$work ATTACK_BIN=$bin \
    ATTACK_TELTONIKA_TLS=$teltonika_tls_port ATTACK_CA=$work/ca.crt
ATTACK_TOKEN_A=$(private_token attack_alice --plan pro)
ATTACK_TOKEN_B=$(private_token attack_bob --plan pro)
ATTACK_TOKEN_C=$(private_token attack_canary --plan pro)
ATTACK_TOKEN_S=$(private_token attack_marketplace --plan pro --role service)
export ATTACK_TOKEN_A ATTACK_TOKEN_B ATTACK_TOKEN_C ATTACK_TOKEN_S
# The archive attack runs the operator CLI against the daemon's own database.
export ATTACK_CLI_ENV="GEOFLEET_DATA_DIR=$work/data GEOFLEET_JWT_SECRET=$secret"
"$python" "$root/scripts/attack/attacks.py" || fail "an attack broke an invariant (see above)"
kill -0 "$server_pid" 2>/dev/null || fail "geofleetd died"
