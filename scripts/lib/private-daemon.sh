# shellcheck shell=bash
# Sourced by the scripts that fuzz or attack a private geofleetd (api-fuzz.sh, attack.sh): a temp work
# dir removed on exit with everything started in it, `fail`, the binaries, free ports, and the daemon
# itself under its embedded PostgreSQL. The caller sets `tool` (its name in messages) and `secret` first,
# and may define `daemon_extra_env` to export more GEOFLEET_* variables for the daemon.

# shellcheck source-path=SCRIPTDIR source-path=SCRIPTDIR/lib source=daemon.sh
. "$(dirname "${BASH_SOURCE[0]}")/daemon.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/geofleet-$tool-XXXXXX")
# The embedded cluster runs as `postgres` when we are root: it must be able to reach the data dir.
chmod 0755 "$work"
server_pid=""

cleanup() {
    stop_daemon_process "$server_pid"
    stop_embedded_cluster "$work/data"
    rm -rf "$work"
}
trap cleanup EXIT

fail() {
    echo "$tool: $*" >&2
    if [ -f "$work/geofleetd.log" ]; then
        echo "--- geofleetd log (last 60 lines) ---" >&2
        tail -60 "$work/geofleetd.log" >&2
    fi
    exit 1
}

# Sets `bin`: GEOFLEET_BIN, or a debug build.
resolve_binaries() {
    if [ -n "${GEOFLEET_BIN:-}" ]; then
        bin=$GEOFLEET_BIN
    else
        swift build --product geofleetd >"$work/build.log" 2>&1 || fail "swift build failed: $(tail -30 "$work/build.log")"
        swift build --product geofleet >>"$work/build.log" 2>&1 || fail "swift build failed: $(tail -30 "$work/build.log")"
        bin=$(swift build --show-bin-path)
    fi
    [ -x "$bin/geofleetd" ] && [ -x "$bin/geofleet" ] || fail "no geofleetd/geofleet in $bin"
}

# Starts geofleetd on free ports (TCP, and UDP for Teltonika) with rate limits off; sets the `*_port`
# variables, `base` and `server_pid`, and waits for /healthz.
start_private_daemon() {
    read -r http_port teltonika_port gt06_port osmand_port ruptela_port < <(free_ports 5)
    (
        for name in $(compgen -e | grep '^GEOFLEET_' || true); do unset "$name"; done
        # Rate limits off: these scripts send thousands of requests as few users (the limiter has its own tests).
        export GEOFLEET_RATE_LIMIT_FLEET_WRITES_PER_HOUR=0 GEOFLEET_RATE_LIMIT_API_PER_MINUTE=0 GEOFLEET_RATE_LIMIT_ROUTING_PER_MINUTE=0
        export GEOFLEET_DATA_DIR=$work/data GEOFLEET_BIND=127.0.0.1 GEOFLEET_JWT_SECRET=$secret \
            GEOFLEET_HTTP_PORT=$http_port GEOFLEET_TELTONIKA_PORT=$teltonika_port GEOFLEET_GT06_PORT=$gt06_port \
            GEOFLEET_OSMAND_PORT=$osmand_port GEOFLEET_RUPTELA_PORT=$ruptela_port
        if declare -F daemon_extra_env >/dev/null; then daemon_extra_env; fi
        exec "$bin/geofleetd"
    ) >"$work/geofleetd.log" 2>&1 &
    server_pid=$!
    base=http://127.0.0.1:$http_port
    local status=0
    wait_for_health "$server_pid" "$base/healthz" || status=$?
    [ "$status" -ne 1 ] || fail "geofleetd exited during start"
    [ "$status" -eq 0 ] || fail "geofleetd did not answer /healthz within 120 s"
}

# A token for `sub` with the plan (and role) given, signed with the daemon's secret.
private_token() {
    GEOFLEET_JWT_SECRET=$secret GEOFLEET_DATA_DIR=$work/data "$bin/geofleet" token --sub "$@" | tail -1
}
