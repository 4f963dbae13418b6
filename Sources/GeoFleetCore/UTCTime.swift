/// Calendar arithmetic on UTC milliseconds without Foundation's formatters (fast, allocation-light).
public enum UTCTime {
    /// Civil date and time of a UTC instant.
    public struct Components: Sendable, Hashable {
        public var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millisecond: Int
    }

    /// Days since 1970-01-01 of a civil date (proleptic Gregorian; Howard Hinnant's algorithm).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Civil date of a day number since 1970-01-01.
    public static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public static func components(milliseconds ms: Int64) -> Components {
        let msPerDay: Int64 = 86_400_000
        var days = ms / msPerDay
        var rem = ms % msPerDay
        if rem < 0 {
            rem += msPerDay
            days -= 1
        }
        let (y, m, d) = civilFromDays(Int(days))
        let r = Int(rem)
        return Components(
            year: y, month: m, day: d, hour: r / 3_600_000, minute: r / 60_000 % 60, second: r / 1000 % 60,
            millisecond: r % 1000)
    }

    /// Milliseconds since the epoch of a civil UTC date-time.
    public static func milliseconds(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, millisecond: Int = 0) -> Int64 {
        let days = Int64(daysFromCivil(year: year, month: month, day: day))
        return ((days * 24 + Int64(hour)) * 60 + Int64(minute)) * 60_000 + Int64(second) * 1000 + Int64(millisecond)
    }

    /// `2026-11-26T20:07:57.123Z`: ISO 8601 / RFC 3339 with milliseconds, the API's time format.
    public static func iso8601(milliseconds ms: Int64) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        appendISO8601(milliseconds: ms, separator: UInt8(ascii: "T"), zone: [UInt8(ascii: "Z")], to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `YYYY-MM-DD<sep>hh:mm:ss.mmm<zone>` as ASCII.
    @inlinable
    public static func appendISO8601(milliseconds ms: Int64, separator: UInt8, zone: [UInt8], to out: inout [UInt8]) {
        let c = components(milliseconds: ms)
        appendDigits(c.year, 4, &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(c.month, 2, &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(c.day, 2, &out)
        out.append(separator)
        appendDigits(c.hour, 2, &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(c.minute, 2, &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(c.second, 2, &out)
        out.append(UInt8(ascii: "."))
        appendDigits(c.millisecond, 3, &out)
        out.append(contentsOf: zone)
    }

    @usableFromInline
    static func appendDigits(_ value: Int, _ width: Int, _ out: inout [UInt8]) {
        var v = value
        if v < 0 {
            out.append(UInt8(ascii: "-"))
            v = -v
        }
        var buf: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (48, 48, 48, 48, 48, 48)
        var n = 0
        withUnsafeMutableBytes(of: &buf) { raw in
            repeat {
                raw[5 - n] = UInt8(48 + v % 10)
                v /= 10
                n += 1
            } while v > 0 && n < 6
            let count = max(n, width)
            for i in (6 - count)..<6 { out.append(raw[i]) }
        }
    }

    /// Parses RFC 3339 / ISO 8601 (`2026-11-26T20:07:57Z`, fractional seconds, `+02:00` offsets, or a
    /// date alone) into epoch milliseconds; nil when malformed.
    public static func parseISO8601(_ text: String) -> Int64? {
        let s = Array(text.utf8)
        var i = 0
        func number(_ count: Int) -> Int? {
            guard i + count <= s.count else { return nil }
            var v = 0
            for k in 0..<count {
                let c = s[i + k]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            i += count
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < s.count, s[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect(UInt8(ascii: "-")), let month = number(2), expect(UInt8(ascii: "-")),
            let day = number(2), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        if i == s.count { return milliseconds(year: year, month: month, day: day) }
        guard i < s.count, s[i] == UInt8(ascii: "T") || s[i] == UInt8(ascii: "t") || s[i] == UInt8(ascii: " ") else { return nil }
        i += 1
        guard let hour = number(2), expect(UInt8(ascii: ":")), let minute = number(2), hour < 24, minute < 60 else { return nil }
        var second = 0
        var millis = 0
        if expect(UInt8(ascii: ":")) {
            guard let sec = number(2), sec <= 60 else { return nil }
            second = min(sec, 59)
            if expect(UInt8(ascii: ".")) || expect(UInt8(ascii: ",")) {
                var scale = 100
                var digits = 0
                while i < s.count, s[i] >= 48, s[i] <= 57 {
                    millis += Int(s[i] - 48) * scale
                    scale /= 10
                    i += 1
                    digits += 1
                }
                guard digits > 0 else { return nil }
            }
        }
        var offsetMinutes = 0
        if i < s.count {
            if s[i] == UInt8(ascii: "Z") || s[i] == UInt8(ascii: "z") {
                i += 1
            } else if s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") {
                let sign = s[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
                guard let oh = number(2) else { return nil }
                _ = expect(UInt8(ascii: ":"))
                guard let om = number(2), oh < 24, om < 60 else { return nil }
                offsetMinutes = sign * (oh * 60 + om)
            } else {
                return nil
            }
        }
        guard i == s.count else { return nil }
        return milliseconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second, millisecond: millis)
            - Int64(offsetMinutes) * 60_000
    }
}
