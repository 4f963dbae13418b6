import CPROJ
import Synchronization

/// WGS84 (lat/lon degrees) → metric CRS (default EPSG:3035, ETRS89-LAEA) transformer; one PROJ context behind a Mutex.
///
/// Thread safety: a PROJ context and its `PJ` must not be used by two threads at once, and creating the
/// transformation is the expensive part (proj.db lookups, milliseconds) while transforming a track is cheap
/// (about a microsecond a point). So one instance is created at startup, shared, and calls are serialised by a
/// `Mutex`; the class is plainly `Sendable` (no `@unchecked`). If profiling ever shows contention, keep
/// several instances (a pool) — nothing else changes.
public final class MetricProjection: Sendable {
    /// ETRS89 / LAEA Europe: equal-area, scale error under ~1-2 % over the EU.
    public static let defaultTargetCRS = "EPSG:3035"

    /// Always `EPSG:4326`; inputs are (latitude, longitude) in degrees whatever the CRS's axis order.
    public let sourceCRS = "EPSG:4326"
    /// The metric CRS outputs are in, as (x: easting, y: northing) metres.
    public let targetCRS: String
    private let state: Mutex<ProjState>

    /// Creates the transformation; throws `.projectionUnavailable` (never crashes) when PROJ cannot.
    public convenience init(targetCRS: String = MetricProjection.defaultTargetCRS) throws(GeometryError) {
        try self.init(targetCRS: targetCRS, searchPaths: nil)
    }

    /// `searchPaths` replaces where PROJ looks for proj.db (tests use it to simulate a missing database).
    init(targetCRS: String, searchPaths: [String]?) throws(GeometryError) {
        self.targetCRS = targetCRS
        state = Mutex(try ProjState(source: "EPSG:4326", target: targetCRS, searchPaths: searchPaths))
    }

    /// Projects (latitude, longitude) degrees to (x: easting, y: northing) metres, in order.
    public func forward(_ points: [(latitude: Double, longitude: Double)]) throws(GeometryError) -> [(x: Double, y: Double)] {
        for (i, p) in points.enumerated() where !(p.latitude.isFinite && p.longitude.isFinite && abs(p.latitude) <= 90) {
            throw .transformFailed(index: i, reason: "invalid coordinate (\(p.latitude), \(p.longitude))")
        }
        if points.isEmpty { return [] }
        return try state.withLock { (s: inout ProjState) throws(GeometryError) -> [(x: Double, y: Double)] in
            try s.transform(points)
        }
    }
}

/// Receives PROJ's log lines, so errors become Swift errors instead of stderr noise. Only touched under the lock.
private final class ProjLogSink {
    private var messages: [String] = []

    func append(_ message: String) {
        if messages.count < 8 { messages.append(message) }
    }

    /// The messages since the last call, joined; nil when there were none.
    func take() -> String? {
        defer { messages.removeAll() }
        return messages.isEmpty ? nil : messages.joined(separator: "; ")
    }
}

/// The owner of the PROJ context and `PJ*`; neither leaves it.
private struct ProjState: ~Copyable {
    private let ctx: OpaquePointer
    private let pj: OpaquePointer
    private let sink: Unmanaged<ProjLogSink>

    init(source: String, target: String, searchPaths: [String]?) throws(GeometryError) {
        guard let ctx = proj_context_create() else { throw .projectionUnavailable("proj_context_create failed") }
        let sink = Unmanaged.passRetained(ProjLogSink())
        proj_log_func(ctx, sink.toOpaque()) { data, _, message in
            guard let data, let message else { return }
            Unmanaged<ProjLogSink>.fromOpaque(data).takeUnretainedValue().append(String(cString: message))
        }
        _ = proj_log_level(ctx, PJ_LOG_ERROR)
        if let searchPaths {
            let cPaths = searchPaths.map { path -> UnsafeMutablePointer<CChar> in
                let bytes = path.utf8CString
                let p = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
                p.initialize(from: Array(bytes), count: bytes.count)
                return p
            }
            let constPaths = cPaths.map { Optional(UnsafePointer($0)) }
            constPaths.withUnsafeBufferPointer { proj_context_set_search_paths(ctx, Int32($0.count), $0.baseAddress) }
            for p in cPaths { p.deallocate() }
        }
        func fail(_ what: String) -> GeometryError {
            let errno = proj_context_errno(ctx)
            var reason = what
            if let m = sink.takeUnretainedValue().take() { reason += ": " + m }
            if errno != 0, let s = proj_context_errno_string(ctx, errno) { reason += " (" + String(cString: s) + ")" }
            proj_context_destroy(ctx)
            sink.release()
            return .projectionUnavailable(reason)
        }
        guard let raw = proj_create_crs_to_crs(ctx, source, target, nil) else {
            throw fail("cannot create \(source) -> \(target)")
        }
        // Traditional GIS order: input (lon, lat) degrees, output (easting, northing), whatever the EPSG axis order
        // (EPSG:4326 is lat/lon and EPSG:3035 is northing/easting by definition).
        let normalized = proj_normalize_for_visualization(ctx, raw)
        proj_destroy(raw)
        guard let normalized else { throw fail("cannot normalise axis order of \(source) -> \(target)") }
        self.ctx = ctx
        self.pj = normalized
        self.sink = sink
    }

    deinit {
        proj_destroy(pj)
        proj_context_destroy(ctx)
        sink.release()
    }

    func transform(_ points: [(latitude: Double, longitude: Double)]) throws(GeometryError) -> [(x: Double, y: Double)] {
        var out: [(x: Double, y: Double)] = []
        out.reserveCapacity(points.count)
        _ = sink.takeUnretainedValue().take()
        for (i, p) in points.enumerated() {
            proj_errno_reset(pj)
            let r = proj_trans(pj, PJ_FWD, proj_coord(p.longitude, p.latitude, 0, 0))
            let x = r.xy.x, y = r.xy.y
            let err = proj_errno(pj)
            guard err == 0, x.isFinite, y.isFinite else {
                var reason = err != 0 ? proj_context_errno_string(ctx, err).map { String(cString: $0) } ?? "error \(err)" : "non-finite result"
                if let m = sink.takeUnretainedValue().take() { reason += ": " + m }
                throw .transformFailed(index: i, reason: reason)
            }
            out.append((x, y))
        }
        return out
    }
}
