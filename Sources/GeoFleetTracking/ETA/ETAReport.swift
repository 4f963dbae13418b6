import Logging
import PostgresNIO

/// How good the deals' ETAs were: predictions against arrivals, by distance left when predicted.
public enum ETAReport {
    /// One distance band.
    public struct Row: Sendable, Equatable {
        /// e.g. `0-50 km`.
        public var band: String
        public var predictions: Int
        /// Mean of actual − predicted, minutes (positive: later than predicted).
        public var biasMinutes: Double
        public var meanAbsoluteMinutes: Double
        public var p50AbsoluteMinutes: Double
        public var p90AbsoluteMinutes: Double
    }

    /// Distance bands, km (lower bounds).
    public static let bands: [Double] = [0, 50, 200, 500]

    public static func rows(client: PostgresClient, logger: Logger) async throws -> [Row] {
        let rows = try await client.query(
            """
            WITH e AS (
                SELECT width_bucket(remaining_meters / 1000, ARRAY[50, 200, 500]::float8[]) AS band,
                       extract(epoch FROM (actual_arrival - predicted_arrival)) / 60 AS error
                FROM eta_predictions WHERE actual_arrival IS NOT NULL)
            SELECT band::int8, count(*)::int8, avg(error)::float8, avg(abs(error))::float8,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(error))::float8,
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY abs(error))::float8
            FROM e GROUP BY band ORDER BY band
            """, logger: logger)
        var out: [Row] = []
        for try await r in rows.decode((Int64, Int64, Double, Double, Double, Double).self) {
            let i = Int(r.0)
            let low = Int(bands[i]), high = i + 1 < bands.count ? "\(Int(bands[i + 1])) km" : "∞"
            out.append(
                Row(
                    band: "\(low)-\(high)", predictions: Int(r.1), biasMinutes: r.2, meanAbsoluteMinutes: r.3, p50AbsoluteMinutes: r.4,
                    p90AbsoluteMinutes: r.5))
        }
        return out
    }
}
