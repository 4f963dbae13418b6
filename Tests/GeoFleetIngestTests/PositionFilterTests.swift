import GeoFleetCore
import GeoFleetIngest
import Logging
import Testing

/// The `filter.*` rules, one at a time, on hand-made fixes around Bucharest.
@Suite struct PositionFilterTests {
    static let now: Int64 = 1_790_000_000_000
    static let logger = Logger(label: "test")

    func fix(_ lat: Double, _ lon: Double, at seconds: Int64, valid: Bool = true, accuracy: Double? = nil) -> DeviceFix {
        DeviceFix(fixTime: Self.now + seconds * 1000, latitude: lat, longitude: lon, accuracy: accuracy, valid: valid)
    }

    func admit(_ filter: PositionFilter, _ fixes: [DeviceFix], vehicle: Int64 = 1) -> [Int] {
        filter.admit(fixes, vehicleKey: vehicle, device: "test", now: Self.now)
    }

    @Test func invalidZeroAndOutOfRangeAreDropped() {
        let filter = PositionFilter(rules: FilterRules(), logger: Self.logger)
        let fixes = [
            fix(44.43, 26.10, at: -60, valid: false),
            fix(0, 0, at: -50),
            fix(91, 26.10, at: -40),
            fix(.nan, 26.10, at: -30),
            fix(44.43, 26.10, at: -20),
        ]
        #expect(admit(filter, fixes) == [4])
    }

    @Test func rulesCanBeTurnedOff() {
        var rules = FilterRules()
        rules.invalid = false
        rules.zero = false
        let filter = PositionFilter(rules: rules, logger: Self.logger)
        #expect(
            admit(filter, [fix(44.43, 26.10, at: -60, valid: false), fix(0, 0, at: -50)]).count == 1,
            "0/0 right after Bucharest is still an impossible jump")
        #expect(admit(PositionFilter(rules: rules, logger: Self.logger), [fix(0, 0, at: -50)], vehicle: 2) == [0])
    }

    @Test func futureAndPastLimits() {
        var rules = FilterRules()
        rules.futureSeconds = 600
        rules.pastSeconds = 3600
        let filter = PositionFilter(rules: rules, logger: Self.logger)
        let fixes = [fix(44.43, 26.10, at: 601), fix(44.43, 26.10, at: 599), fix(44.43, 26.10, at: -3601), fix(44.43, 26.10, at: -3599)]
        #expect(admit(filter, fixes).sorted() == [1, 3])
    }

    @Test func defaultFutureLimitIsTenMinutes() {
        // Traccar's default of a day let a device clock error lead the vehicle's history for a day.
        let filter = PositionFilter(rules: FilterRules(), logger: Self.logger)
        #expect(filter.rules.futureSeconds == 600)
        let fixes = [fix(44.43, 26.10, at: 23 * 3600), fix(44.43, 26.10, at: 601), fix(44.43, 26.10, at: 300)]
        #expect(admit(filter, fixes) == [2])
    }

    @Test func accuracyThreshold() {
        var rules = FilterRules()
        rules.maxAccuracyMetres = 100
        let filter = PositionFilter(rules: rules, logger: Self.logger)
        #expect(
            admit(filter, [fix(44.43, 26.10, at: -10, accuracy: 250), fix(44.43, 26.10, at: -5, accuracy: 20), fix(44.43, 26.1001, at: -1)]) == [
                1, 2,
            ])
    }

    @Test func jumpImplyingImpossibleSpeedIsDropped() {
        let filter = PositionFilter(rules: FilterRules(), logger: Self.logger)
        // Bucharest, then Cluj-Napoca (~325 km) one minute later, then Bucharest again 60 km/h later on.
        #expect(admit(filter, [fix(44.4268, 26.1025, at: -600)]) == [0])
        #expect(admit(filter, [fix(46.7712, 23.6236, at: -540)]).isEmpty)
        #expect(admit(filter, [fix(44.4300, 26.1100, at: -480)]) == [0], "the reference stayed on the last good fix")
    }

    @Test func jumpsInOneFrameAreJudgedInTimeOrder() {
        let filter = PositionFilter(rules: FilterRules(), logger: Self.logger)
        // Newest first, as some devices send: 1 km a minute apart is 60 km/h, fine in time order.
        let fixes = [fix(44.4450, 26.1025, at: -60), fix(44.4360, 26.1025, at: -120), fix(44.4268, 26.1025, at: -180)]
        #expect(admit(filter, fixes).sorted() == [0, 1, 2])
    }

    @Test func persistentJumpIsAcceptedAfterTheLimit() {
        var rules = FilterRules()
        rules.maxConsecutiveJumps = 2
        let filter = PositionFilter(rules: rules, logger: Self.logger)
        #expect(admit(filter, [fix(44.4268, 26.1025, at: -600)]) == [0])
        // The truck really is in Cluj (the Bucharest fix was the bad one, or it rode a train without GPS).
        #expect(admit(filter, [fix(46.7712, 23.6236, at: -590)]).isEmpty)
        #expect(admit(filter, [fix(46.7713, 23.6236, at: -580)]).isEmpty)
        #expect(admit(filter, [fix(46.7714, 23.6236, at: -570)]) == [0])
        #expect(admit(filter, [fix(46.7715, 23.6236, at: -560)]) == [0], "the new place is now the reference")
    }

    @Test func seedFromLastKnownPosition() {
        let filter = PositionFilter(rules: FilterRules(), logger: Self.logger)
        let passed = filter.admit([fix(46.7712, 23.6236, at: -10)], vehicleKey: 9, device: "t", now: Self.now) {
            (44.4268, 26.1025, Self.now - 60_000)
        }
        #expect(passed.isEmpty, "a jump from the position known before a restart is caught too")
    }
}
