import Foundation
import GeoFleetCore

/// A truck's fixes along a road polyline: a stop, a drive at constant speed, a stop, every `interval`,
/// each fix moved by seeded GPS noise.
struct SimulatedTruck {
    struct Fix {
        var time: Int64
        var lat: Double
        var lon: Double
    }

    /// `line`: the route as GeoJSON positions `[long, lat]`.
    static func fixes(
        line: [[Double]], start: Int64, interval: Int64 = 10_000, speedKmh: Double = 30, stopAtStart: Int64, stopAtEnd: Int64,
        noiseMeters: Double = 4, seed: UInt64 = 7
    ) -> [Fix] {
        var rng = SeededGenerator(seed: seed)
        var out: [Fix] = []
        var time = start
        func noisy(_ lat: Double, _ lon: Double) -> Fix {
            let r = Double.random(in: 0...noiseMeters, using: &rng), a = Double.random(in: 0..<(2 * .pi), using: &rng)
            let dLat = r * cos(a) / 111_195, dLon = r * sin(a) / (111_195 * cos(lat * .pi / 180))
            return Fix(time: time, lat: lat + dLat, lon: lon + dLon)
        }
        let first = line[0], last = line[line.count - 1]
        while time < start + stopAtStart {
            out.append(noisy(first[1], first[0]))
            time += interval
        }
        let step = speedKmh / 3.6 * Double(interval) / 1000
        var carried = 0.0
        for i in 1..<line.count {
            let a = line[i - 1], b = line[i]
            let length = GreatCircle.distanceMeters(lat1: a[1], lon1: a[0], lat2: b[1], lon2: b[0])
            var along = step - carried
            while along <= length {
                let f = along / length
                out.append(noisy(a[1] + (b[1] - a[1]) * f, a[0] + (b[0] - a[0]) * f))
                time += interval
                along += step
            }
            carried = length - (along - step)
        }
        let endTime = time + stopAtEnd
        while time <= endTime {
            out.append(noisy(last[1], last[0]))
            time += interval
        }
        return out
    }

    /// The point `fraction` of the way along `line` (by length), as `[long, lat]`.
    static func point(along line: [[Double]], fraction: Double) -> [Double] {
        var lengths: [Double] = []
        for i in 1..<line.count {
            lengths.append(GreatCircle.distanceMeters(lat1: line[i - 1][1], lon1: line[i - 1][0], lat2: line[i][1], lon2: line[i][0]))
        }
        var target = lengths.reduce(0, +) * fraction
        for (i, length) in lengths.enumerated() {
            if target <= length {
                let f = length > 0 ? target / length : 0
                return [line[i][0] + (line[i + 1][0] - line[i][0]) * f, line[i][1] + (line[i + 1][1] - line[i][1]) * f]
            }
            target -= length
        }
        return line[line.count - 1]
    }
}
