import Foundation

/// When a geofence's events fire (Traccar's geofence calendar): on some weekdays, between two times of
/// day in a time zone. Outside it the fence still follows who is inside, but says nothing.
public struct FenceSchedule: Codable, Sendable, Equatable {
    /// `mon` … `sun`; nil: every day.
    public var days: [String]?
    /// `HH:mm`; `to` before `from` runs over midnight (the day is the one it began on).
    public var from: String
    public var to: String
    /// An IANA zone (`Europe/Bucharest`); nil: UTC.
    public var timeZone: String?

    public init(days: [String]? = nil, from: String, to: String, timeZone: String? = nil) {
        self.days = days
        self.from = from
        self.to = to
        self.timeZone = timeZone
    }

    static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    /// The schedule checked, or why not (shown in a 400).
    public func validated() throws(FenceScheduleError) -> FenceSchedule {
        guard Self.minutes(from) != nil else { throw FenceScheduleError("schedule.from must be HH:mm (00:00 to 23:59)") }
        guard Self.minutes(to) != nil else { throw FenceScheduleError("schedule.to must be HH:mm (00:00 to 23:59)") }
        if let days {
            guard !days.isEmpty, days.count <= 7, days.allSatisfy(Self.dayNames.contains) else {
                throw FenceScheduleError("schedule.days are mon, tue, wed, thu, fri, sat or sun")
            }
        }
        if let timeZone {
            guard timeZone.count <= 64, TimeZone(identifier: timeZone) != nil else {
                throw FenceScheduleError("schedule.timeZone is not a known IANA time zone")
            }
        }
        return self
    }

    /// Whether events fire at `ms` (milliseconds since the epoch).
    public func contains(_ ms: Int64) -> Bool {
        guard let start = Self.minutes(from), let end = Self.minutes(to) else { return true }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone.flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "UTC")!
        let date = Date(timeIntervalSince1970: Double(ms) / 1000)
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: date)
        guard let weekday = parts.weekday, let hour = parts.hour, let minute = parts.minute else { return true }
        let now = hour * 60 + minute
        var day = weekday - 1
        if start <= end {
            guard now >= start && now < end else { return false }
        } else {
            guard now >= start || now < end else { return false }
            // After midnight: the window began the day before.
            if now < end { day = (day + 6) % 7 }
        }
        return days.map { $0.contains(Self.dayNames[day]) } ?? true
    }

    /// Minutes since midnight of `HH:mm`.
    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0...23).contains(h),
            (0...59).contains(m)
        else { return nil }
        return h * 60 + m
    }
}

/// Why a schedule is refused.
public struct FenceScheduleError: Error, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
