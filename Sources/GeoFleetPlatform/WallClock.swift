import Foundation

/// Wall-clock time as Unix milliseconds, the unit of fix times and of the API.
public enum WallClock {
    /// Now, in milliseconds since 1970 (truncated).
    public static func nowMilliseconds() -> Int64 {
        Int64(Date().timeIntervalSince1970 * 1000)
    }

    /// `date` in milliseconds since 1970, rounded to the nearest (a database timestamp read back).
    public static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// The date of `milliseconds` since 1970.
    public static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
