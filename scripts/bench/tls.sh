#!/usr/bin/env bash
# TLS cost (issue 17): the same Teltonika load against a plain and a TLS port of one geofleetd, in one run.
#
#   DEVICES=1000 RATE=10000 SATURATION_RATE=200000 DURATION=30 K=10 scripts/bench/tls.sh
#
# Makes a throw-away CA and a server certificate for 127.0.0.1 with openssl, builds release binaries in
# .build-release, starts geofleetd on a temporary data dir (embedded PostgreSQL + PostGIS) with a plain
# Teltonika port and a TLS one (GEOFLEET_TELTONIKA_TLS_PORT), then runs `geofleet-bench simulate` four
# times: plain and TLS at RATE, plain and TLS at SATURATION_RATE (more than the daemon can take). Each
# run uses its own IMEIs, so TLS never rides on sessions plain has warmed. Prints acknowledged
# positions/s and ACK p99 for each and the ratio TLS / plain (target: at least 70 %).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

DEVICES=${DEVICES:-1000}
RATE=${RATE:-10000}
SATURATION_RATE=${SATURATION_RATE:-200000}
DURATION=${DURATION:-30}
K=${K:-10}
HTTP_PORT=${HTTP_PORT:-18080}
TELTONIKA_PORT=${TELTONIKA_PORT:-15027}
TELTONIKA_TLS_PORT=${TELTONIKA_TLS_PORT:-15028}

build_products geofleetd geofleet-bench

# Each device is one socket on both sides.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

make_work_dir tls
step "certificates"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=GeoFleet bench CA" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    -keyout "$work/ca.key" -out "$work/ca.crt" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=localhost" \
    -keyout "$work/server.key" -out "$work/server.csr" 2>/dev/null
printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$work/server.ext"
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -set_serial 0x1017 -days 2 \
    -extfile "$work/server.ext" -out "$work/server.crt" 2>/dev/null

export GEOFLEET_DATA_DIR=$work/data
export GEOFLEET_AUTO_REGISTER=true
export GEOFLEET_JWT_SECRET=bench-tls-secret-0123456789abcdefghijklmn
export GEOFLEET_BIND=127.0.0.1
# Every simulated device connects from 127.0.0.1: the per-address cap (1,000) would refuse most of them.
export GEOFLEET_MAX_CONNECTIONS_PER_IP=1000000
export GEOFLEET_HTTP_PORT=$HTTP_PORT
export GEOFLEET_TELTONIKA_PORT=$TELTONIKA_PORT
export GEOFLEET_TELTONIKA_TLS_PORT=$TELTONIKA_TLS_PORT
export GEOFLEET_TLS_CERT=$work/server.crt GEOFLEET_TLS_KEY=$work/server.key
export GEOFLEET_GT06_PORT=${GT06_PORT:-15023} GEOFLEET_OSMAND_PORT=${OSMAND_PORT:-15055} GEOFLEET_RUPTELA_PORT=${RUPTELA_PORT:-15046}
unset GEOFLEET_DATABASE_URL

step "starting geofleetd (data dir $GEOFLEET_DATA_DIR, log $work/geofleetd.log)"
start_daemon

# run NAME RATE IMEI_BASE [simulate options...]
run() {
    local name=$1 rate=$2 imei_base=$3
    shift 3
    step "$name: $DEVICES devices, $rate positions/s offered, ${DURATION} s (load $(cut -d' ' -f1-3 /proc/loadavg))"
    "$bin/geofleet-bench" simulate --host 127.0.0.1 --devices "$DEVICES" --rate "$rate" --duration "$DURATION" \
        --records-per-packet "$K" --imei-base "$imei_base" --progress 10 "$@" | tee "$work/$name.out"
}
value() { sed -n "s/^$2: //p" "$work/$1.out" | tail -1; }

run plain-rate "$RATE" 350000000000000 --port "$TELTONIKA_PORT"
run tls-rate "$RATE" 351000000000000 --port "$TELTONIKA_TLS_PORT" --tls --ca "$work/ca.crt" --tls-server-name localhost
run plain-saturation "$SATURATION_RATE" 352000000000000 --port "$TELTONIKA_PORT"
run tls-saturation "$SATURATION_RATE" 353000000000000 --port "$TELTONIKA_TLS_PORT" --tls --ca "$work/ca.crt" --tls-server-name localhost

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f %%", 100 * a / b; else print "?" }'; }
echo
echo "=== TLS cost: DEVICES=$DEVICES RATE=$RATE SATURATION_RATE=$SATURATION_RATE DURATION=$DURATION K=$K ==="
printf '%-18s %14s %12s %12s %10s\n' run "acked pos/s" "p50 ms" "p99 ms" connect_s
for name in plain-rate tls-rate plain-saturation tls-saturation; do
    printf '%-18s %14s %12s %12s %10s\n' "$name" "$(value "$name" acknowledged_positions_per_second)" \
        "$(value "$name" ack_latency_p50_ms)" "$(value "$name" ack_latency_p99_ms)" "$(value "$name" connect_seconds)"
done
echo "TLS / plain at $RATE/s:       $(ratio "$(value tls-rate acknowledged_positions_per_second)" "$(value plain-rate acknowledged_positions_per_second)")"
echo "TLS / plain at saturation:    $(ratio "$(value tls-saturation acknowledged_positions_per_second)" "$(value plain-saturation acknowledged_positions_per_second)")"
echo "TLS handshake failures:       $(curl -s "http://127.0.0.1:$HTTP_PORT/metrics" | sed -n 's/^geofleet_tls_handshake_failures_total{listener="teltonika_tls"} //p' | head -1)"
grep -ciE '"level":"(error|critical)"|\b(error|critical)\b' "$work/geofleetd.log" | sed 's/^/geofleetd log lines mentioning error: /' || true
