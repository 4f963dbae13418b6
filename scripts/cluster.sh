#!/usr/bin/env bash
# A local GeoFleet cluster: one PostgreSQL+PostGIS, one Redis, N equal geofleetd nodes and HAProxy in front.
#
#   scripts/cluster.sh up N        start everything (N nodes, ids n1..nN); waits for every /healthz
#   scripts/cluster.sh down        stop HAProxy, the nodes, Redis and PostgreSQL (idempotent; data kept)
#   scripts/cluster.sh status      what runs, ports, HAProxy's view of each server
#   scripts/cluster.sh kill I      kill -9 node I
#   scripts/cluster.sh stop I      SIGTERM node I (SIGKILL after GEOFLEET_CLUSTER_STOP_SECONDS)
#   scripts/cluster.sh start I     start node I again on its data dir and ports
#   scripts/cluster.sh token SUB [geofleet token options]   a JWT valid on every node (default --plan pro)
#   scripts/cluster.sh purge       down, then remove the cluster dir
#
# Environment (read by `up`; later commands use what `up` recorded in the cluster dir):
#   GEOFLEET_CLUSTER_DIR            cluster dir (default ./.geofleet-cluster): pids, logs, data, configs
#   GEOFLEET_BIN                    directory holding geofleetd and geofleet (default .build/release if it
#                                   has them, else `swift build -c release` builds them)
#   GEOFLEET_CLUSTER_API_PORT       HAProxy's API port (8080); also _TELTONIKA_PORT (5027), _GT06_PORT
#                                   (5023), _OSMAND_PORT (5055), _RUPTELA_PORT (5046), _STATS_PORT (unset:
#                                   no stats page; the stats socket is always there)
#   GEOFLEET_CLUSTER_NODE_PORT_BASE node i listens on BASE+100*i + 80 (API), 27 (Teltonika), 23 (GT06),
#                                   55 (OsmAnd), 46 (Ruptela); default 18000, so n1's API is 18180
#   GEOFLEET_CLUSTER_BIND           address of HAProxy's listeners (default 127.0.0.1; 0.0.0.0 for devices
#                                   on the network); the nodes always listen on 127.0.0.1
#   GEOFLEET_CLUSTER_PG_SETTINGS    more PostgreSQL settings ("-c name=value ...")
#   GEOFLEET_CLUSTER_STOP_SECONDS   SIGTERM grace before SIGKILL (default 30)
#   GEOFLEET_JWT_SECRET             the shared API key (default: a random one kept in the cluster dir)
#   Other GEOFLEET_* variables in the environment of `up` reach every node (e.g. GEOFLEET_AUTO_REGISTER).
#
# PostgreSQL and Redis listen on unix sockets in the cluster dir only (no TCP): nothing outside this
# machine's root and the cluster dir's owner reaches them. HAProxy has no UDP: Teltonika UDP goes to a
# node's own port.
set -euo pipefail
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$script_dir/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib/daemon.sh
. "$script_dir/lib/daemon.sh"
# shellcheck source-path=SCRIPTDIR source=lib/services.sh
. "$script_dir/lib/services.sh"

umask 077
dir=${GEOFLEET_CLUSTER_DIR:-$root/.geofleet-cluster}
[[ $dir == /* ]] || dir=$PWD/$dir
state=$dir/cluster.env
stop_seconds=${GEOFLEET_CLUSTER_STOP_SECONDS:-30}
# What `up` records in $state (load_state reads it back).
nodes=0 bin="" node_port_base=18000 bind=127.0.0.1 omit_node_id=0
api_port="" teltonika_port="" gt06_port="" osmand_port="" ruptela_port="" stats_port=""

die() { echo "cluster.sh: $*" >&2; exit 1; }
usage() { sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# Ports of node i: api teltonika gt06 osmand ruptela.
node_ports() {
    local b=$((node_port_base + 100 * $1))
    echo "$((b + 80)) $((b + 27)) $((b + 23)) $((b + 55)) $((b + 46))"
}

# The pid in file $1 if that process runs and its command line mentions $2; nothing otherwise.
live_pid() {
    local pid
    [[ -f $1 ]] || return 1
    pid=$(head -1 "$1")
    [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2" || return 1
    echo "$pid"
}

# SIGTERM to the process in pid file $1 (named $2 in its command line), SIGKILL after the grace.
stop_pidfile() {
    local pid
    pid=$(live_pid "$1" "$2") || { rm -f "$1"; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 $((stop_seconds * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
        echo "$2 (pid $pid) did not stop within $stop_seconds s; killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$1"
}

load_state() {
    [[ -f $state ]] || die "no cluster in $dir (run: scripts/cluster.sh up N)"
    # shellcheck source=/dev/null
    . "$state"
}

# The geofleetd and geofleet binaries: GEOFLEET_BIN, .build/release, or a release build.
resolve_bin() {
    if [[ -n ${GEOFLEET_BIN:-} ]]; then
        bin=$(cd "$GEOFLEET_BIN" && pwd)
    elif [[ -x $root/.build/release/geofleetd && -x $root/.build/release/geofleet ]]; then
        bin=$root/.build/release
    else
        echo "building geofleetd and geofleet (release)" >&2
        (cd "$root" && swift build -c release --product geofleetd && swift build -c release --product geofleet) >&2
        bin=$(cd "$root" && swift build -c release --show-bin-path)
    fi
    [[ -x $bin/geofleetd && -x $bin/geofleet ]] || die "no geofleetd/geofleet in $bin"
}

# Starts node i in the background, in its own session, so that it outlives this script.
start_node() {
    local i=$1 api tel gt06 osm rup
    local node_dir=$dir/nodes/n$i
    read -r api tel gt06 osm rup < <(node_ports "$i")
    if live_pid "$node_dir/pid" geofleetd >/dev/null; then die "node $i already runs"; fi
    mkdir -p "$node_dir/data"
    (
        set -a
        # shellcheck source=/dev/null
        . "$dir/nodes.env"
        set +a
        export GEOFLEET_NODE_ID=n$i GEOFLEET_DATA_DIR=$node_dir/data GEOFLEET_BIND=127.0.0.1 \
            GEOFLEET_HTTP_PORT=$api GEOFLEET_TELTONIKA_PORT=$tel GEOFLEET_GT06_PORT=$gt06 \
            GEOFLEET_OSMAND_PORT=$osm GEOFLEET_RUPTELA_PORT=$rup
        if [[ ${omit_node_id:-0} == 1 ]]; then unset GEOFLEET_NODE_ID; fi
        exec setsid "$bin/geofleetd"
    ) >>"$node_dir/geofleetd.log" 2>&1 </dev/null &
    echo $! >"$node_dir/pid"
}

wait_node() {
    local i=$1 api status=0 pid
    api=$(node_ports "$i" | cut -d' ' -f1)
    pid=$(head -1 "$dir/nodes/n$i/pid")
    wait_for_health "$pid" "http://127.0.0.1:$api/healthz" || status=$?
    if [[ $status -ne 0 ]]; then
        [[ $status -eq 1 ]] && echo "node $i (geofleetd) exited:" >&2 || echo "node $i not healthy after 120 s:" >&2
        tail -30 "$dir/nodes/n$i/geofleetd.log" >&2
        die "node $i did not come up (stop what did start with: scripts/cluster.sh down)"
    fi
}

render_haproxy() {
    local out=$dir/haproxy/haproxy.cfg i api tel gt06 osm rup maxconn
    # Two descriptors per proxied connection: what the descriptor limit allows, at most 200,000.
    maxconn=$(( $(ulimit -n) / 2 - 1000 ))
    ((maxconn <= 200000)) || maxconn=200000
    {
        cat <<EOF
# Rendered by scripts/cluster.sh up; edits are lost at the next up.
global
    log stdout format raw local0 info
    stats socket $dir/haproxy/stats.sock mode 600 level admin
    maxconn $maxconn

$([[ $(id -u) -ne 0 ]] || printf '    user haproxy\n    group haproxy\n')

# Device ports: one TCP connection per tracker, kept for hours; a tracker sends every few seconds to
# minutes, so the idle timeouts are long. Servers are checked over HTTP on the node's API port.
defaults tcp_devices
    mode tcp
    log global
    option tcplog
    balance leastconn
    timeout connect 2s
    timeout client 15m
    timeout server 15m
    timeout check 1s
    option redispatch
    retries 2
    option httpchk GET /healthz
    http-check expect status 200
    default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions

EOF
        local proto port_var idx
        for proto in teltonika:$teltonika_port:2 gt06:$gt06_port:3 ruptela:$ruptela_port:5; do
            IFS=: read -r name port_var idx <<<"$proto"
            cat <<EOF
listen $name from tcp_devices
    bind $bind:$port_var
EOF
            for ((i = 1; i <= nodes; i++)); do
                read -r api tel gt06 osm rup < <(node_ports "$i")
                local ports=("" "$api" "$tel" "$gt06" "$osm" "$rup")
                echo "    server n$i 127.0.0.1:${ports[$idx]} check port $api"
            done
            echo
        done
        cat <<EOF
defaults http_nodes
    mode http
    log global
    option httplog
    balance leastconn
    timeout connect 2s
    timeout client 1m
    timeout server 1m
    timeout http-request 10s
    timeout http-keep-alive 60s
    # WebSockets (live streams) stay open this long without traffic.
    timeout tunnel 1h
    timeout check 1s
    option redispatch
    retries 2
    # Only failed connects are retried: a POST a dying node may have applied is not sent twice.
    retry-on conn-failure
    option forwardfor
    option httpchk GET /healthz
    http-check expect status 200
    default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions

listen api from http_nodes
    bind $bind:$api_port
EOF
        for ((i = 1; i <= nodes; i++)); do
            read -r api tel gt06 osm rup < <(node_ports "$i")
            echo "    server n$i 127.0.0.1:$api check"
        done
        cat <<EOF

listen osmand from http_nodes
    bind $bind:$osmand_port
EOF
        for ((i = 1; i <= nodes; i++)); do
            read -r api tel gt06 osm rup < <(node_ports "$i")
            echo "    server n$i 127.0.0.1:$osm check port $api"
        done
        if [[ -n $stats_port ]]; then
            cat <<EOF

listen stats
    mode http
    bind 127.0.0.1:$stats_port
    stats enable
    stats uri /
    stats refresh 2s
EOF
        fi
    } >"$out"
    haproxy -c -q -f "$out" || die "HAProxy refused $out"
}

start_haproxy() {
    if live_pid "$dir/haproxy/pid" haproxy >/dev/null; then return 0; fi
    setsid haproxy -db -f "$dir/haproxy/haproxy.cfg" >>"$dir/haproxy/haproxy.log" 2>&1 </dev/null &
    echo $! >"$dir/haproxy/pid"
    for _ in $(seq 50); do
        [[ -S $dir/haproxy/stats.sock ]] && return 0
        kill -0 "$(head -1 "$dir/haproxy/pid")" 2>/dev/null || break
        sleep 0.1
    done
    tail -20 "$dir/haproxy/haproxy.log" >&2
    die "HAProxy did not start"
}

# HAProxy's stats socket: `haproxy_cmd "show stat"`.
haproxy_cmd() {
    python3 - "$dir/haproxy/stats.sock" "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall((sys.argv[2] + "\n").encode())
out = b""
while chunk := s.recv(65536):
    out += chunk
sys.stdout.write(out.decode())
PY
}

cmd_up() {
    local n=${1:-}
    [[ $n =~ ^[1-9][0-9]?$ ]] || die "usage: scripts/cluster.sh up N (1..99 nodes)"
    command -v haproxy >/dev/null || die "haproxy is missing (scripts/install-deps.sh)"
    mkdir -p "$dir"
    if [[ -f $state ]]; then
        # shellcheck source=/dev/null
        (. "$state"; live_pid "$dir/haproxy/pid" haproxy >/dev/null) && die "a cluster already runs in $dir (scripts/cluster.sh down first)"
    fi
    resolve_bin
    # Every device holds a socket on a node and two in HAProxy.
    ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
    # Root runs PostgreSQL as `postgres`, which must pass through the cluster dir (not read it).
    if [[ $(id -u) -eq 0 ]]; then chmod 0711 "$dir"; else chmod 0700 "$dir"; fi
    mkdir -p "$dir/pg" "$dir/redis" "$dir/haproxy" "$dir/nodes"
    [[ $(id -u) -ne 0 ]] || chown postgres "$dir/pg"

    if [[ -n ${GEOFLEET_JWT_SECRET:-} ]]; then
        printf '%s' "$GEOFLEET_JWT_SECRET" >"$dir/jwt-secret"
    elif [[ ! -s $dir/jwt-secret ]]; then
        head -c 48 /dev/urandom | base64 -w0 >"$dir/jwt-secret"
    fi
    local secret
    secret=$(cat "$dir/jwt-secret")
    {
        printf 'nodes=%q\nbin=%q\nnode_port_base=%q\nbind=%q\n' "$n" "$bin" "${GEOFLEET_CLUSTER_NODE_PORT_BASE:-18000}" "${GEOFLEET_CLUSTER_BIND:-127.0.0.1}"
        printf 'api_port=%q\nteltonika_port=%q\ngt06_port=%q\nosmand_port=%q\nruptela_port=%q\nstats_port=%q\n' \
            "${GEOFLEET_CLUSTER_API_PORT:-8080}" "${GEOFLEET_CLUSTER_TELTONIKA_PORT:-5027}" "${GEOFLEET_CLUSTER_GT06_PORT:-5023}" \
            "${GEOFLEET_CLUSTER_OSMAND_PORT:-5055}" "${GEOFLEET_CLUSTER_RUPTELA_PORT:-5046}" "${GEOFLEET_CLUSTER_STATS_PORT:-}"
        printf 'omit_node_id=%q\n' "${GEOFLEET_CLUSTER_OMIT_NODE_ID:-0}"
    } >"$state"
    load_state

    echo "PostgreSQL+PostGIS (socket in $dir/pg/run, log $dir/pg/postgres.log)"
    mkdir -p "$dir/pg/run"
    [[ $(id -u) -ne 0 ]] || chown postgres "$dir/pg/run"
    if [[ ! -f $dir/pg/data/postmaster.pid ]]; then
        # shellcheck disable=SC2086 # the settings are separate words
        start_pg_cluster "$dir/pg/data" "$dir/pg/run" "$dir/pg/postgres.log" \
            -c max_connections=$((50 + 30 * n)) -c shared_buffers=512MB -c max_wal_size=4GB ${GEOFLEET_CLUSTER_PG_SETTINGS:-}
    fi
    local psql_=(psql -X -q -h "$dir/pg/run" -U postgres -v ON_ERROR_STOP=1)
    if [[ $(as_pg "${psql_[@]}" -d postgres -At -c "SELECT 1 FROM pg_database WHERE datname = 'geofleet'") != 1 ]]; then
        as_pg "${psql_[@]}" -d postgres -c "CREATE DATABASE geofleet"
    fi
    as_pg "${psql_[@]}" -d geofleet -c "SET client_min_messages = warning" -c "CREATE EXTENSION IF NOT EXISTS postgis"

    echo "Redis (socket $dir/redis/redis.sock, log $dir/redis/redis.log)"
    if ! live_pid "$dir/redis/pid" redis-server >/dev/null; then
        redis_pid=""
        local ok=0
        redis_server=detached_redis_server
        start_redis "$dir/redis" "$dir/redis/redis.sock" && ok=1
        echo "$redis_pid" >"$dir/redis/pid"
        [[ $ok -eq 1 ]] || { tail -20 "$dir/redis/redis.log" >&2; die "redis-server did not start"; }
    fi

    # What every node gets: the shared services, the shared key, and the caller's other GEOFLEET_* settings.
    {
        local name
        for name in $(compgen -e | grep '^GEOFLEET_' | grep -v '^GEOFLEET_CLUSTER_\|^GEOFLEET_BIN$\|^GEOFLEET_NODE_ID$\|^GEOFLEET_DATA_DIR$\|_PORT$\|^GEOFLEET_BIND$' || true); do
            printf '%s=%q\n' "$name" "${!name}"
        done
        printf 'GEOFLEET_DATABASE_URL=%q\n' "postgresql:///geofleet?host=$dir/pg/run&port=5432&user=postgres&sslmode=disable"
        printf 'GEOFLEET_REDIS_URL=%q\n' "unix://$dir/redis/redis.sock"
        printf 'GEOFLEET_JWT_SECRET=%q\n' "$secret"
        # Every device arrives from HAProxy's address: the per-address cap belongs in HAProxy.
        printf 'GEOFLEET_MAX_CONNECTIONS_PER_IP=%q\n' "${GEOFLEET_MAX_CONNECTIONS_PER_IP:-1000000}"
        printf 'GEOFLEET_HTTP_MAX_CONNECTIONS_PER_IP=%q\n' "${GEOFLEET_HTTP_MAX_CONNECTIONS_PER_IP:-100000}"
    } >"$dir/nodes.env"

    local i
    # The first node applies the migrations alone; the others start once it is healthy.
    echo "node 1 (log $dir/nodes/n1/geofleetd.log)"
    start_node 1
    wait_node 1
    for ((i = 2; i <= n; i++)); do echo "node $i (log $dir/nodes/n$i/geofleetd.log)"; start_node "$i"; done
    for ((i = 2; i <= n; i++)); do wait_node "$i"; done

    render_haproxy
    echo "HAProxy (config $dir/haproxy/haproxy.cfg, log $dir/haproxy/haproxy.log)"
    start_haproxy
    # Until the first checks pass every server counts as up; give them a moment.
    sleep 1.5
    summary
}

# redis-server in a session of its own, so that it outlives this script (setsid execs in place: the pid
# start_redis records is the server's).
detached_redis_server() {
    exec setsid /usr/bin/redis-server "$@"
}

summary() {
    local i api tel gt06 osm rup
    cat <<EOF

GeoFleet cluster: $nodes nodes in $dir (binaries $bin)
  HAProxy on $bind: API + WebSockets http://$bind:$api_port  Teltonika TCP $teltonika_port  GT06 $gt06_port  OsmAnd http://$bind:$osmand_port  Ruptela $ruptela_port
  HAProxy stats: scripts/cluster.sh haproxy "show stat"   (socket $dir/haproxy/stats.sock)$([[ -n $stats_port ]] && echo "  or http://127.0.0.1:$stats_port/")
  token:  scripts/cluster.sh token USER          (or: GEOFLEET_JWT_SECRET=\$(cat $dir/jwt-secret) $bin/geofleet token --sub USER --plan pro)
  nodes (127.0.0.1; Teltonika UDP only here, HAProxy has no UDP):
EOF
    for ((i = 1; i <= nodes; i++)); do
        read -r api tel gt06 osm rup < <(node_ports "$i")
        printf '    n%-3s API %-5s Teltonika %-5s GT06 %-5s OsmAnd %-5s Ruptela %-5s log %s\n' "$i" "$api" "$tel" "$gt06" "$osm" "$rup" "$dir/nodes/n$i/geofleetd.log"
    done
    cat <<EOF
  PostgreSQL: psql "postgresql:///geofleet?host=$dir/pg/run&user=postgres"   log $dir/pg/postgres.log
  Redis:      redis-cli -s $dir/redis/redis.sock   log $dir/redis/redis.log
  HAProxy log $dir/haproxy/haproxy.log
  stop:       scripts/cluster.sh down
EOF
}

cmd_down() {
    [[ -d $dir ]] || { echo "nothing in $dir"; return 0; }
    stop_pidfile "$dir/haproxy/pid" haproxy
    local f pids=()
    # The nodes stop together (each may take seconds to drain its spool).
    for f in "$dir"/nodes/n*/pid; do
        [[ -f $f ]] || continue
        stop_pidfile "$f" geofleetd &
        pids+=("$!")
    done
    for f in "${pids[@]}"; do wait "$f" || true; done
    stop_pidfile "$dir/redis/pid" redis-server
    stop_pg_cluster "$dir/pg/data"
    echo "cluster in $dir stopped (data kept; scripts/cluster.sh purge removes it)"
}

node_arg() {
    load_state
    if ! [[ ${1:-} =~ ^[0-9]+$ ]] || (($1 < 1 || $1 > nodes)); then die "node must be 1..$nodes"; fi
}

cmd_status() {
    load_state
    local i pid api what
    printf 'cluster dir %s, %s nodes\n' "$dir" "$nodes"
    if pid=$(live_pid "$dir/haproxy/pid" haproxy); then echo "haproxy      running (pid $pid)"; else echo "haproxy      stopped"; fi
    if pid=$(live_pid "$dir/redis/pid" redis-server); then echo "redis        running (pid $pid)"; else echo "redis        stopped"; fi
    if [[ -f $dir/pg/data/postmaster.pid ]] && pid=$(head -1 "$dir/pg/data/postmaster.pid") && kill -0 "$pid" 2>/dev/null; then
        echo "postgresql   running (pid $pid)"
    else
        echo "postgresql   stopped"
    fi
    for ((i = 1; i <= nodes; i++)); do
        api=$(node_ports "$i" | cut -d' ' -f1)
        if pid=$(live_pid "$dir/nodes/n$i/pid" geofleetd); then
            what="running (pid $pid), /healthz $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$api/healthz" || true)"
        else
            what=stopped
        fi
        printf 'node n%-5s %s\n' "$i" "$what"
    done
    if [[ -S $dir/haproxy/stats.sock ]] && live_pid "$dir/haproxy/pid" haproxy >/dev/null; then
        echo "HAProxy servers (proxy server status last-check):"
        haproxy_cmd "show stat" | awk -F, '$2 ~ /^n[0-9]+$/ { printf "  %-10s %-4s %-6s %s\n", $1, $2, $18, $37 }'
    fi
}

case ${1:-} in
    up) cmd_up "${2:-}" ;;
    down) cmd_down ;;
    status) cmd_status ;;
    kill)
        node_arg "${2:-}"
        pid=$(live_pid "$dir/nodes/n$2/pid" geofleetd) || die "node $2 is not running"
        kill -KILL "$pid"
        echo "node $2 (pid $pid) killed"
        ;;
    stop)
        node_arg "${2:-}"
        stop_pidfile "$dir/nodes/n$2/pid" geofleetd
        echo "node $2 stopped"
        ;;
    start)
        node_arg "${2:-}"
        start_node "$2"
        wait_node "$2"
        echo "node $2 healthy"
        ;;
    token)
        load_state
        [[ -n ${2:-} ]] || die "usage: scripts/cluster.sh token SUB [geofleet token options]"
        sub=$2
        shift 2
        [[ $# -gt 0 ]] || set -- --plan pro
        GEOFLEET_JWT_SECRET=$(cat "$dir/jwt-secret") "$bin/geofleet" token --sub "$sub" "$@" | tail -1
        ;;
    haproxy) load_state; haproxy_cmd "${2:-show stat}" ;;
    purge) cmd_down; rm -rf "$dir"; echo "removed $dir" ;;
    *) usage ;;
esac
