import GeoFleetOSM
import Testing

/// The `PBFError` thrown by `body`, or nil when it succeeds. Any other error fails the test.
func pbfError(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) -> PBFError? {
    do {
        try body()
        return nil
    } catch let error as PBFError {
        return error
    } catch {
        Issue.record("expected a PBFError, got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Opens `path` and reads everything, so errors of both phases surface.
func readEverything(_ path: String) throws {
    let reader = try PBFReader(path: path)
    try reader.read(.all)
}
