# shellcheck shell=bash
# Sourced by scripts/bench/lib.sh and scripts/cluster.sh: a private PostgreSQL cluster and a private
# redis-server, started as the user PostgreSQL accepts (it refuses to run as root).

pg_bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
redis_server=${REDIS_SERVER:-/usr/bin/redis-server}

# Runs a command as the postgres user when we are root (PostgreSQL refuses to run as root).
as_pg() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# initdb (unless `data` already holds a cluster) and start a PostgreSQL cluster in `data`, on a unix socket
# in `socket_dir` only (no TCP), trust authentication (the socket's directory is what keeps others out),
# its log in `log`; the remaining arguments are more server settings (`-c name=value`).
start_pg_cluster() {
    local data=$1 socket_dir=$2 log=$3
    shift 3
    if [[ ! -f $data/PG_VERSION ]]; then
        as_pg "$pg_bin/initdb" -D "$data" -U postgres --auth=trust >/dev/null
    fi
    as_pg "$pg_bin/pg_ctl" -D "$data" -o "-k $socket_dir -c listen_addresses='' $*" -l "$log" -w start >/dev/null
}

# Stops the cluster in `data` (fast shutdown), if it runs.
stop_pg_cluster() {
    [[ -f $1/postmaster.pid ]] || return 0
    as_pg "$pg_bin/pg_ctl" -D "$1" -m fast -w stop >/dev/null || true
}

# A redis-server without persistence in the background, its log and working files in `dir` (what it prints
# before its log is open goes to redis.out there); `listen` is a TCP port on 127.0.0.1 or, when it starts
# with /, a unix socket path (mode 0700, no TCP). More redis-server arguments may follow. Sets `redis_pid`;
# returns once it answers PING (1 after 10 s).
start_redis() {
    local dir=$1 listen=$2
    shift 2
    local where=(--port "$listen" --bind 127.0.0.1) ping=(-p "$listen")
    if [[ $listen == /* ]]; then
        where=(--port 0 --unixsocket "$listen" --unixsocketperm 700)
        ping=(-s "$listen")
    fi
    "$redis_server" "${where[@]}" --save '' --appendonly no --dir "$dir" \
        --daemonize no --loglevel warning --logfile "$dir/redis.log" "$@" </dev/null >>"$dir/redis.out" 2>&1 &
    redis_pid=$!
    for _ in $(seq 100); do
        redis-cli "${ping[@]}" ping >/dev/null 2>&1 && return 0
        kill -0 "$redis_pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
