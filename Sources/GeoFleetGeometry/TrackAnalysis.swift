import GeoFleetCore

/// Distance driven and stops of a time-ordered track.
public enum TrackAnalysis {
    /// Sum of great-circle (haversine, `GreatCircle`) distances between consecutive fixes, in metres.
    /// Legs with a non-finite coordinate are skipped.
    public static func distanceMetres(_ points: [TrackPoint]) -> Double {
        guard points.count >= 2 else { return 0 }
        var total = 0.0
        for i in 1..<points.count {
            let a = points[i - 1], b = points[i]
            let d = GreatCircle.distanceMeters(lat1: a.latitude, lon1: a.longitude, lat2: b.latitude, lon2: b.longitude)
            if d.isFinite { total += d }
        }
        return total
    }

    /// Stops of a track sorted by time.
    ///
    /// A stop is a maximal run of consecutive fixes all within `radiusMetres` (great-circle, inclusive) of the
    /// run's first fix (the anchor), of at least 2 fixes, whose first-to-last time span is ≥ `minDwellSeconds`.
    /// Because the span is measured between fixes, a long gap between two close fixes (device asleep while
    /// parked) is dwell too. Runs that are too short are retried from the next fix; after a stop, the search
    /// resumes at the first fix outside it, so stops never overlap. The reported position is the centroid of
    /// the run's fixes (longitudes averaged relative to the anchor, so it works across ±180°).
    public static func stops(_ points: [TrackPoint], minDwellSeconds: Int, radiusMetres: Double) -> [TrackStop] {
        var result: [TrackStop] = []
        let minDwellMs = Int64(clamping: minDwellSeconds).multipliedReportingOverflow(by: 1000)
        let minDwell = minDwellMs.overflow ? Int64.max : minDwellMs.partialValue
        var i = 0
        while i + 1 < points.count {
            let anchor = points[i]
            var j = i
            while j + 1 < points.count {
                let p = points[j + 1]
                let d = GreatCircle.distanceMeters(
                    lat1: anchor.latitude, lon1: anchor.longitude, lat2: p.latitude, lon2: p.longitude)
                guard d <= radiusMetres else { break }
                j += 1
            }
            let span = points[j].time - anchor.time
            guard j > i, span >= minDwell else {
                i += 1
                continue
            }
            var sumLat = 0.0, sumDLon = 0.0
            for k in i...j {
                sumLat += points[k].latitude
                sumDLon += wrap180(points[k].longitude - anchor.longitude)
            }
            let count = Double(j - i + 1)
            result.append(
                TrackStop(
                    latitude: sumLat / count,
                    longitude: wrap180(anchor.longitude + sumDLon / count),
                    start: anchor.time,
                    end: points[j].time,
                    durationSeconds: Int(span / 1000),
                    pointCount: j - i + 1))
            i = j + 1
        }
        return result
    }

    /// Longitude difference or value brought into [-180, 180).
    static func wrap180(_ degrees: Double) -> Double {
        guard degrees >= -180, degrees < 180 else {
            let r = (degrees + 180).truncatingRemainder(dividingBy: 360)
            return (r < 0 ? r + 360 : r) - 180
        }
        return degrees
    }
}
