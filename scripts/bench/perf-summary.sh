#!/usr/bin/env bash
# A short text summary of a `perf record -g` profile of geofleetd (as scripts/bench/api.sh's PERF_TARGET
# writes one): the top symbols by samples of their own, then the request path's frames by samples
# including their callees, demangled.
#
#   scripts/bench/perf-summary.sh perf.data [TOP] > docs/profiles/api-nearby.txt
set -eu
data=${1:?usage: perf-summary.sh PERF_DATA [TOP]}
top=${2:-25}
demangle() { swift demangle --simplified | cut -c1-160 | sed 's/ *$//'; }

echo "# perf report -i $(basename "$data") --no-children --sort symbol (top $top by own samples)"
echo "# $(perf report -i "$data" --stdio -g none 2>/dev/null | grep -m1 "^# Samples")"
perf report -i "$data" --no-children --sort symbol --stdio -g none 2>/dev/null | grep '%' | head -"$top" | demangle
echo
echo "# by thread: perf report --sort comm"
perf report -i "$data" --no-children --sort comm --stdio -g none 2>/dev/null | grep '%' | head -6
echo
echo "# request path, including callees: perf report --children (frames of the API, auth, JSON, hot index, metrics, logging)"
perf report -i "$data" --children --sort symbol --stdio -g none 2>/dev/null | grep '%' | demangle \
    | grep -E 'AuthMiddleware|TokenAuthority|JWTSigner|JSONEncoder\.encode<A>\(_:\)$|JSONDecoder\.decode<A>|MapRoutes|RouteRoutes|HotPositions|VehicleCatalog|trimmingCharacters|Logger\.subscript|MetricsMiddleware|RateLimit|RouterResponder\.respond|HTTPChannelHandler\.handleHTTP|IngestPipeline\.ingest|decodeStrict|RouteService\.estimate|JSONSerialization' \
    | awk '$1+0 >= 0.3' | head -40
