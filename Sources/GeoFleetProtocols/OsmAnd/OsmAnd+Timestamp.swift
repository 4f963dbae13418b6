import GeoFleetCore

extension OsmAnd {
    /// Fix time in ms from a `timestamp` value: Unix seconds, or milliseconds from 2^31 - 1 on (Traccar's
    /// rule: a value that does not fit a signed 32-bit `int` is already milliseconds); else ISO 8601 /
    /// RFC 3339 (offsets, fractions) or `yyyy-MM-dd HH:mm:ss`, read as UTC when no zone is given.
    static func timestamp(_ text: String) -> Int64? {
        let ms: Int64
        if !text.isEmpty, text.utf8.allSatisfy(isASCIIDigit) {
            guard text.utf8.count <= 19, let value = Int64(text) else { return nil }
            ms = value < Int64(Int32.max) ? value * 1000 : value
        } else {
            guard hasRealDate(text), let parsed = UTCTime.parseISO8601(text) else { return nil }
            ms = parsed
        }
        return (0...maxFixTime).contains(ms) ? ms : nil
    }

    /// The ISO parser checks the day against 1...31 only; refuse `2021-02-30` rather than roll it into March.
    private static func hasRealDate(_ text: String) -> Bool {
        let s = Array(text.utf8.prefix(10))
        guard s.count == 10, s[4] == UInt8(ascii: "-"), s[7] == UInt8(ascii: "-") else { return false }
        func number(_ range: Range<Int>) -> Int? {
            var v = 0
            for k in range {
                guard isASCIIDigit(s[k]) else { return nil }
                v = v * 10 + Int(s[k] - UInt8(ascii: "0"))
            }
            return v
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            (1...12).contains(month), (1...31).contains(day)
        else { return false }
        let civil = UTCTime.civilFromDays(UTCTime.daysFromCivil(year: year, month: month, day: day))
        return civil.year == year && civil.month == month && civil.day == day
    }
}
