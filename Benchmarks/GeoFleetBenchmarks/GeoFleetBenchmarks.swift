import Benchmark

/// Entry point for ordo-one/benchmark (`ENABLE_BENCHMARKS=1 swift package benchmark`, or scripts/bench/micro.sh).
let benchmarks: @Sendable () -> Void = {
    hotIndexBenchmarks()
    redisGeoBenchmarks()
    teltonikaDecodeBenchmarks()
    protocolDecodeBenchmarks()
}
