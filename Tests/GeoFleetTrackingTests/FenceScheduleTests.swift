import Foundation
import GeoFleetCore
import Testing
@testable import GeoFleetTracking

/// When a fence's events fire.
@Suite struct FenceScheduleTests {
    /// 2026-12-07 is a Monday.
    func at(_ day: Int, _ hour: Int, _ minute: Int = 0) -> Int64 {
        UTCTime.milliseconds(year: 2026, month: 12, day: day, hour: hour) + Int64(minute) * 60_000
    }

    @Test func workingHoursInUTC() throws {
        let s = try FenceSchedule(days: ["mon", "tue", "wed", "thu", "fri"], from: "08:00", to: "18:00").validated()
        #expect(s.contains(at(7, 8)))
        #expect(s.contains(at(7, 17, 59)))
        #expect(!s.contains(at(7, 18)))
        #expect(!s.contains(at(7, 7, 59)))
        #expect(!s.contains(at(12, 10))) // Saturday
    }

    @Test("a night shift runs over midnight and belongs to the day it began")
    func overnight() throws {
        let s = try FenceSchedule(days: ["fri"], from: "22:00", to: "06:00").validated()
        #expect(s.contains(at(11, 23))) // Friday 23:00
        #expect(s.contains(at(12, 5, 59))) // Saturday 05:59, the Friday shift
        #expect(!s.contains(at(12, 23))) // Saturday 23:00
        #expect(!s.contains(at(11, 5))) // Friday 05:00 is Thursday's shift
        #expect(!s.contains(at(11, 12)))
    }

    @Test("the time zone decides the hour: 08:00 in Bucharest is 06:00 UTC in winter")
    func timeZone() throws {
        let s = try FenceSchedule(from: "08:00", to: "09:00", timeZone: "Europe/Bucharest").validated()
        #expect(s.contains(at(7, 6, 30)))
        #expect(!s.contains(at(7, 8, 30)))
    }

    static let refused = [
        FenceSchedule(from: "8:00", to: "18:00"), FenceSchedule(from: "08:00", to: "24:00"), FenceSchedule(from: "08:60", to: "18:00"),
        FenceSchedule(days: [], from: "08:00", to: "18:00"), FenceSchedule(days: ["monday"], from: "08:00", to: "18:00"),
        FenceSchedule(from: "08:00", to: "18:00", timeZone: "Mars/Olympus"),
    ]

    @Test("refusals", arguments: refused)
    func refusals(schedule: FenceSchedule) {
        #expect(throws: FenceScheduleError.self) { try schedule.validated() }
    }
}
