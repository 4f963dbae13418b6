import CGEOS

/// Collects the last GEOS error message of one session.
private final class GEOSMessageSink {
    var lastMessage: String?
}

/// One re-entrant GEOS context (`GEOS_init_r` … `GEOS_finish_r`), created per call and never shared across
/// threads; no GEOS pointer leaves it.
struct GEOSSession: ~Copyable {
    private let handle: OpaquePointer
    private let sink: Unmanaged<GEOSMessageSink>

    init() throws(GeometryError) {
        guard let handle = GEOS_init_r() else { throw .geometryFailed("GEOS_init_r failed") }
        let sink = Unmanaged.passRetained(GEOSMessageSink())
        _ = GEOSContext_setErrorMessageHandler_r(
            handle,
            { message, data in
                guard let data, let message else { return }
                Unmanaged<GEOSMessageSink>.fromOpaque(data).takeUnretainedValue().lastMessage = String(cString: message)
            }, sink.toOpaque())
        self.handle = handle
        self.sink = sink
    }

    deinit {
        GEOS_finish_r(handle)
        sink.release()
    }

    private func failure(_ what: String) -> GeometryError {
        .geometryFailed(sink.takeUnretainedValue().lastMessage.map { "\(what): \($0)" } ?? what)
    }

    /// Simplifies a LineString given as interleaved (x, y, z) triples; returns the kept vertices' triples.
    /// Douglas-Peucker (`GEOSSimplify_r`) or its topology-preserving variant; both keep a subset of the input
    /// vertices unchanged (z included, which is only carried along).
    func simplifyLine(xyz: [Double], tolerance: Double, preserveTopology: Bool) throws(GeometryError) -> [Double] {
        precondition(xyz.count % 3 == 0 && xyz.count >= 6)
        guard let size = UInt32(exactly: xyz.count / 3) else { throw .geometryFailed("too many points") }
        let seq = xyz.withUnsafeBufferPointer { GEOSCoordSeq_copyFromBuffer_r(handle, $0.baseAddress, size, 1, 0) }
        guard let seq else { throw failure("cannot create coordinate sequence") }
        // The LineString owns `seq` from here (on failure GEOS's ownership is unclear: leak rather than double free).
        guard let line = GEOSGeom_createLineString_r(handle, seq) else { throw failure("cannot create LineString") }
        defer { GEOSGeom_destroy_r(handle, line) }
        let result =
            preserveTopology
            ? GEOSTopologyPreserveSimplify_r(handle, line, tolerance)
            : GEOSSimplify_r(handle, line, tolerance)
        guard let result else { throw failure("simplification failed") }
        defer { GEOSGeom_destroy_r(handle, result) }
        guard GEOSGeomTypeId_r(handle, result) == Int32(GEOS_LINESTRING.rawValue) else {
            throw .geometryFailed("simplification did not return a LineString")
        }
        guard let outSeq = GEOSGeom_getCoordSeq_r(handle, result) else { throw failure("no coordinate sequence") }
        var count: UInt32 = 0
        guard GEOSCoordSeq_getSize_r(handle, outSeq, &count) != 0 else { throw failure("cannot read size") }
        var out = [Double](repeating: .nan, count: Int(count) * 3)
        let ok = out.withUnsafeMutableBufferPointer { GEOSCoordSeq_copyToBuffer_r(handle, outSeq, $0.baseAddress, 1, 0) }
        guard ok != 0 else { throw failure("cannot read coordinates") }
        return out
    }
}
