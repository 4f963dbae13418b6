#!/usr/bin/env bash
# The standing attack suite (issue 13): a private geofleetd (embedded PostgreSQL under a temp dir, free
# ports on 127.0.0.1, short timeouts) attacked as a hostile device and a hostile pro user would:
# poison values PostgreSQL refuses in every protocol's free text, boundary and huge numbers in every API
# parameter and body field, slowloris on every port, a frame flood on one device connection, a rebinding
# race, and a tampered archive manifest. After each attack: the daemon answers, another tenant's
# positions still reach PostGIS, RSS stays under its bound, and nothing acknowledged is lost.
# Quiet on success but for one line per attack; on failure says what broke and shows the daemon's log.
#
#   GEOFLEET_BIN=<dir>          a directory holding built geofleetd and geofleet (else: swift build, debug)
#   GEOFLEET_ATTACK_RSS_MB=<n>  how far RSS may grow over its value after start-up (default 400)
#   GEOFLEET_ATTACK_ONLY=<name> run one attack (poison, numbers, slowloris, flood, rebind, archive)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3)
secret=attack-secret-0123456789abcdef-0123456789abcdef

work=$(mktemp -d "${TMPDIR:-/tmp}/geofleet-attack-XXXXXX")
# The embedded cluster runs as `postgres` when we are root: it must be able to reach the data dir.
chmod 0755 "$work"
server_pid=""

cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 1 300); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$server_pid" 2>/dev/null || true
    fi
    local pid_file=$work/data/postgres/data/postmaster.pid
    if [ -f "$pid_file" ]; then
        local pg_pid
        pg_pid=$(head -1 "$pid_file")
        kill -QUIT "$pg_pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pg_pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -rf "$work"
}
trap cleanup EXIT

fail() {
    echo "attack: $*" >&2
    if [ -f "$work/geofleetd.log" ]; then
        echo "--- geofleetd log (last 60 lines) ---" >&2
        tail -60 "$work/geofleetd.log" >&2
    fi
    exit 1
}

if [ -n "${GEOFLEET_BIN:-}" ]; then
    bin=$GEOFLEET_BIN
else
    swift build --product geofleetd >"$work/build.log" 2>&1 || fail "swift build failed: $(tail -30 "$work/build.log")"
    swift build --product geofleet >>"$work/build.log" 2>&1 || fail "swift build failed: $(tail -30 "$work/build.log")"
    bin=$(swift build --show-bin-path)
fi
[ -x "$bin/geofleetd" ] && [ -x "$bin/geofleet" ] || fail "no geofleetd/geofleet in $bin"

read -r http_port teltonika_port gt06_port osmand_port ruptela_port < <("$python" - <<'PY'
import socket
held, ports = [], []
while len(ports) < 5:
    tcp = socket.socket()
    tcp.bind(("127.0.0.1", 0))
    port = tcp.getsockname()[1]
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        udp.bind(("127.0.0.1", port))
    except OSError:
        tcp.close()
        continue
    held += [tcp, udp]
    ports.append(port)
print(*ports)
PY
)
daemon_env() {
    for name in $(compgen -e | grep '^GEOFLEET_' || true); do unset "$name"; done
    export GEOFLEET_RATE_LIMIT_FLEET_WRITES_PER_HOUR=0 GEOFLEET_RATE_LIMIT_API_PER_MINUTE=0 GEOFLEET_RATE_LIMIT_ROUTING_PER_MINUTE=0
    export GEOFLEET_DATA_DIR=$work/data GEOFLEET_BIND=127.0.0.1 GEOFLEET_JWT_SECRET=$secret \
        GEOFLEET_HTTP_PORT=$http_port GEOFLEET_TELTONIKA_PORT=$teltonika_port GEOFLEET_GT06_PORT=$gt06_port \
        GEOFLEET_OSMAND_PORT=$osmand_port GEOFLEET_RUPTELA_PORT=$ruptela_port
    # Short timeouts, so that the slowloris attack proves them in seconds.
    export GEOFLEET_HTTP_HEADER_TIMEOUT_SECONDS=3 GEOFLEET_HTTP_BODY_TIMEOUT_SECONDS=3 GEOFLEET_HTTP_IDLE_TIMEOUT_SECONDS=5 \
        GEOFLEET_DEVICE_HANDSHAKE_SECONDS=3 GEOFLEET_DEVICE_IDLE_SECONDS=20 GEOFLEET_OSMAND_REQUEST_SECONDS=3
}
(
    daemon_env
    exec "$bin/geofleetd"
) >"$work/geofleetd.log" 2>&1 &
server_pid=$!
base=http://127.0.0.1:$http_port
for _ in $(seq 1 1200); do
    kill -0 "$server_pid" 2>/dev/null || fail "geofleetd exited during start"
    curl -fsS -o /dev/null "$base/healthz" 2>/dev/null && break
    sleep 0.1
done
curl -fsS -o /dev/null "$base/healthz" 2>/dev/null || fail "geofleetd did not answer /healthz within 120 s"

token() { GEOFLEET_JWT_SECRET=$secret GEOFLEET_DATA_DIR=$work/data "$bin/geofleet" token --sub "$1" --plan pro | tail -1; }
export ATTACK_PID=$server_pid ATTACK_HTTP=$http_port ATTACK_TELTONIKA=$teltonika_port ATTACK_GT06=$gt06_port \
    ATTACK_OSMAND=$osmand_port ATTACK_RUPTELA=$ruptela_port ATTACK_WORK=$work ATTACK_BIN=$bin
ATTACK_TOKEN_A=$(token attack_alice); ATTACK_TOKEN_B=$(token attack_bob); ATTACK_TOKEN_C=$(token attack_canary)
export ATTACK_TOKEN_A ATTACK_TOKEN_B ATTACK_TOKEN_C
# The archive attack runs the operator CLI against the daemon's own database.
export ATTACK_CLI_ENV="GEOFLEET_DATA_DIR=$work/data GEOFLEET_JWT_SECRET=$secret"
"$python" "$root/scripts/attack/attacks.py" || fail "an attack broke an invariant (see above)"
kill -0 "$server_pid" 2>/dev/null || fail "geofleetd died"
