# shellcheck shell=bash
# Sourced by scripts/lib/private-daemon.sh and scripts/bench/lib.sh: free ports, and waiting for and
# stopping a geofleetd and the embedded PostgreSQL cluster under its data dir.

python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3)
daemon_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Prints N ports free on 127.0.0.1 for TCP and UDP alike.
free_ports() {
    "$python" "$daemon_lib_dir/free_ports.py" "${1:-1}"
}

# Waits up to 120 s for `url` to answer while process `pid` lives; 1 when it died, 2 on timeout.
wait_for_health() {
    local pid=$1 url=$2
    for _ in $(seq 1 1200); do
        kill -0 "$pid" 2>/dev/null || return 1
        curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
        sleep 0.1
    done
    return 2
}

# SIGTERM to geofleetd, then up to 30 s for it to stop its cluster and exit, then SIGKILL.
stop_daemon_process() {
    local pid=$1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
        echo "geofleetd did not stop within 30 s; killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

# A geofleetd that died cannot stop its embedded cluster: stops the one under `data_dir`, if running.
stop_embedded_cluster() {
    local pid_file=$1/postgres/data/postmaster.pid
    [ -f "$pid_file" ] || return 0
    local pg_pid
    pg_pid=$(head -1 "$pid_file")
    kill -QUIT "$pg_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pg_pid" 2>/dev/null || break; sleep 0.1; done
}
