import GeoFleetCore

/// A drive between two stops (or between the range's edge and a stop).
public struct TrackTrip: Sendable, Equatable {
    /// The first and last fix of the drive, ms since the epoch.
    public var start: Int64
    public var end: Int64
    public var startPoint: GeoPoint
    public var endPoint: GeoPoint
    public var distanceMetres: Double
    public var durationSeconds: Int
    /// The highest reported speed, km/h.
    public var maxSpeedKmh: Double
    /// Distance over duration, km/h (0 for a drive of no duration).
    public var averageSpeedKmh: Double
}

extension TrackAnalysis {
    /// Splits a track at its stops (``stops(_:minDwellSeconds:radiusMetres:)``): each run of fixes between
    /// two stops, from the last fix of one stop to the first of the next, is a trip. Runs shorter than
    /// `minDistanceMetres` (GPS drift while parked) are not trips.
    public static func trips(_ points: [TrackPoint], stops: [TrackStop], minDistanceMetres: Double = 200) -> [TrackTrip] {
        guard points.count >= 2 else { return [] }
        // Fix index ranges of the stops, in order (stops never overlap and are sorted by time).
        var bounds: [(first: Int, last: Int)] = []
        var i = 0
        for stop in stops {
            while i < points.count && points[i].time < stop.start { i += 1 }
            let first = i
            while i < points.count && points[i].time <= stop.end { i += 1 }
            if i > first { bounds.append((first, i - 1)) }
        }
        var cuts: [(from: Int, to: Int)] = []
        var from = 0
        for b in bounds {
            if b.first > from { cuts.append((from, b.first)) }
            from = b.last
        }
        if from < points.count - 1 { cuts.append((from, points.count - 1)) }
        return cuts.compactMap { cut in
            let run = Array(points[cut.from...cut.to])
            let distance = distanceMetres(run)
            guard distance >= minDistanceMetres, let first = run.first, let last = run.last else { return nil }
            let seconds = Double(last.time - first.time) / 1000
            return TrackTrip(
                start: first.time, end: last.time, startPoint: GeoPoint(latitude: first.latitude, longitude: first.longitude),
                endPoint: GeoPoint(latitude: last.latitude, longitude: last.longitude), distanceMetres: distance,
                durationSeconds: Int(seconds), maxSpeedKmh: run.map(\.speedKmh).max() ?? 0,
                averageSpeedKmh: seconds > 0 ? distance / seconds * 3.6 : 0)
        }
    }
}
