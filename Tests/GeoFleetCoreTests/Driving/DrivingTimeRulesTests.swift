import Testing
@testable import GeoFleetCore

/// Regulation (EC) 561/2006 on a leg's driving time.
@Suite struct DrivingTimeRulesTests {
    let rules = DrivingTimeRules()
    let hour = 3600.0

    @Test("under 4.5 h: no break; exactly 4.5 h: none either (the destination is reached)")
    func short() {
        #expect(rules.plan(drivingSeconds: 3 * hour) == .init(drivingSeconds: 3 * hour, totalSeconds: 3 * hour, breaks: 0, dailyRests: 0))
        #expect(rules.plan(drivingSeconds: 4.5 * hour).totalSeconds == 4.5 * hour)
    }

    @Test("6 h: one 45 min break; 9 h: one break; 10 h: break, daily rest after 9 h")
    func breaksAndRest() {
        #expect(rules.plan(drivingSeconds: 6 * hour) == .init(drivingSeconds: 6 * hour, totalSeconds: 6.75 * hour, breaks: 1, dailyRests: 0))
        #expect(rules.plan(drivingSeconds: 9 * hour).totalSeconds == 9.75 * hour)
        let ten = rules.plan(drivingSeconds: 10 * hour)
        #expect(ten.breaks == 1 && ten.dailyRests == 1)
        #expect(ten.totalSeconds == 10 * hour + 0.75 * hour + 11 * hour)
    }

    @Test("20 h of driving: 2 days of 9 h with a break each, 2 daily rests, then 2 h")
    func multiDay() {
        let plan = rules.plan(drivingSeconds: 20 * hour)
        #expect(plan.breaks == 2)
        #expect(plan.dailyRests == 2)
        #expect(plan.totalSeconds == 20 * hour + 2 * 0.75 * hour + 2 * 11 * hour)
    }

    @Test("a driver who already drove 4 h stops after 30 min; one at 8.5 h today rests after 30 min")
    func driverState() {
        let afterFour = rules.plan(drivingSeconds: 1 * hour, from: .init(drivenTodaySeconds: 4 * hour, drivenSinceBreakSeconds: 4 * hour))
        #expect(afterFour.breaks == 1 && afterFour.totalSeconds == 1.75 * hour)
        let late = rules.plan(drivingSeconds: 1 * hour, from: .init(drivenTodaySeconds: 8.5 * hour, drivenSinceBreakSeconds: 1 * hour))
        #expect(late.dailyRests == 1 && late.breaks == 0 && late.totalSeconds == 12 * hour)
    }

    @Test("extended day (10 h) and reduced rest (9 h)")
    func variants() {
        let extended = DrivingTimeRules(extendedDay: true, reducedRest: true).plan(drivingSeconds: 10 * hour)
        #expect(extended.dailyRests == 0 && extended.breaks == 2)
        let eleven = DrivingTimeRules(extendedDay: true, reducedRest: true).plan(drivingSeconds: 11 * hour)
        #expect(eleven.dailyRests == 1 && eleven.totalSeconds == 11 * hour + 2 * 0.75 * hour + 9 * hour)
    }
}
