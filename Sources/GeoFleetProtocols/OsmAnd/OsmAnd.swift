/// Namespace for the OsmAnd / Traccar Client HTTP protocol: request parsing and its limits.
///
/// Three request shapes reach the same port (Traccar's `OsmAndProtocolDecoder` accepts the first two):
/// - parameters in the query or an `application/x-www-form-urlencoded` body (OsmAnd, Traccar Client up to
///   8.x, and the Traccar Client SDK's default form POST);
/// - `application/json` `{"location": {…} | [{…}, …], "device_id": …}` (Traccar Client 9.x, built on
///   transistorsoft background-geolocation; an array is its batch of stored locations);
/// - `application/json` with the parameters as a flat object, or an array of them (the SDK's `uploadJson`).
public enum OsmAnd {
    /// The largest body accepted: a batch of stored locations is ~400 bytes each, so 256 KiB is 600+.
    public static let maxBodyBytes: Int = 256 * 1024

    /// The largest raw query accepted; a Traccar Client query is ~200 bytes.
    public static let maxQueryBytes: Int = 16 * 1024

    /// Locations in one JSON batch; clients sync their buffer in pages well below this.
    public static let maxLocations: Int = 1000

    /// Named attributes per position, so one request cannot turn into an unbounded attributes column.
    public static let maxAttributes: Int = 100

    /// Traccar stores unique ids in a 128-character column.
    public static let maxDeviceIDBytes: Int = 128

    /// The latest fix time accepted, 9999-12-31T23:59:59.999Z, so times stay four-digit years.
    static let maxFixTime: Int64 = 253_402_300_799_999
}
