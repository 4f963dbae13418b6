/// EU driving-time rules (Regulation (EC) No 561/2006, articles 6–8) applied to a driving duration:
/// a 45 min break after 4 h 30 min of driving, and a daily rest after 9 h of driving in a day
/// (10 h on up to two days a week).
public struct DrivingTimeRules: Sendable, Equatable {
    /// Driving allowed before a break is due (art. 7).
    public var drivingBeforeBreak: Double = 4.5 * 3600
    /// The break (art. 7; may be split 15 + 30 min, which takes the same time).
    public var breakDuration: Double = 45 * 60
    /// Daily driving limit (art. 6): 9 h, or 10 h on an extended day.
    public var dailyDriving: Double = 9 * 3600
    /// Regular daily rest (art. 8); 9 h when reduced.
    public var dailyRest: Double = 11 * 3600

    public init(extendedDay: Bool = false, reducedRest: Bool = false) {
        if extendedDay { dailyDriving = 10 * 3600 }
        if reducedRest { dailyRest = 9 * 3600 }
    }

    /// The driver's state when the leg starts.
    public struct DriverState: Sendable, Equatable {
        /// Driving already done today.
        public var drivenTodaySeconds: Double
        /// Driving since the last break of at least 45 minutes.
        public var drivenSinceBreakSeconds: Double

        public init(drivenTodaySeconds: Double = 0, drivenSinceBreakSeconds: Double = 0) {
            self.drivenTodaySeconds = drivenTodaySeconds
            self.drivenSinceBreakSeconds = drivenSinceBreakSeconds
        }
    }

    /// A leg's elapsed time with the breaks and rests the driver must take.
    public struct Plan: Sendable, Equatable {
        public var drivingSeconds: Double
        public var totalSeconds: Double
        public var breaks: Int
        public var dailyRests: Int
    }

    /// Elapsed time for `drivingSeconds` of driving: drive until a break or the day's limit is due, take it, go on.
    /// No break is added after the destination is reached.
    public func plan(drivingSeconds: Double, from state: DriverState = .init()) -> Plan {
        var remaining = max(drivingSeconds, 0)
        var today = min(max(state.drivenTodaySeconds, 0), dailyDriving)
        var sinceBreak = min(max(state.drivenSinceBreakSeconds, 0), drivingBeforeBreak)
        var total = 0.0
        var breaks = 0
        var rests = 0
        while remaining > 0 {
            if today >= dailyDriving {
                total += dailyRest
                rests += 1
                today = 0
                sinceBreak = 0
                continue
            }
            if sinceBreak >= drivingBeforeBreak {
                total += breakDuration
                breaks += 1
                sinceBreak = 0
                continue
            }
            let chunk = min(remaining, drivingBeforeBreak - sinceBreak, dailyDriving - today)
            remaining -= chunk
            total += chunk
            today += chunk
            sinceBreak += chunk
        }
        return Plan(drivingSeconds: max(drivingSeconds, 0), totalSeconds: total, breaks: breaks, dailyRests: rests)
    }
}
