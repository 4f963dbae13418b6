extension OsmAnd {
    /// Positions from an `application/json` body: Traccar Client's `{"location": …, "device_id": …}`
    /// (or its location fields at the top level), or the flat parameter form as an object or an array.
    static func reports(json body: [UInt8], now: Int64) throws(OsmAndError) -> [OsmAndReport] {
        if let offset = firstInvalidUTF8(body) { throw .malformedJSON(offset: offset, reason: "invalid UTF-8") }
        let root = try OsmAndJSON.parse(body)
        switch root {
        case .object where root["location"] != nil:
            return try clientReports(root, now: now)
        case .object where root["coords"] != nil:
            // transistorsoft with `httpRootProperty: "."`: the location's fields are the root's.
            return [try clientReport(location: root, deviceID: try clientDeviceID(root), now: now)]
        case .object:
            return [try report(parameters: flatParameters(root), now: now)]
        case .array(let elements):
            return try batch(elements) { (element) throws(OsmAndError) in
                guard case .object = element else { throw .unexpectedJSON("a location must be an object, not \(element.brief)") }
                return try report(parameters: flatParameters(element), now: now)
            }
        default:
            throw .unexpectedJSON("the body must be an object or an array, not \(root.brief)")
        }
    }

    /// Runs `read` on each element of a batch, tagging its error with the index; one device per request.
    static func batch(
        _ elements: [OsmAndJSON], _ read: (OsmAndJSON) throws(OsmAndError) -> OsmAndReport
    ) throws(OsmAndError) -> [OsmAndReport] {
        guard !elements.isEmpty else { throw .noLocations }
        guard elements.count <= maxLocations else { throw .tooManyLocations(count: elements.count, limit: maxLocations) }
        var reports: [OsmAndReport] = []
        reports.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            let report: OsmAndReport
            do {
                report = try read(element)
            } catch {
                throw .location(index: index, error)
            }
            // The server looks one device up per request and answers for all its locations at once.
            if let first = reports.first, first.deviceID != report.deviceID {
                throw .conflictingDeviceIDs(first.deviceID, report.deviceID)
            }
            reports.append(report)
        }
        return reports
    }

    /// The members of a flat object as parameters: strings as they are, numbers as their literal,
    /// booleans as `true`/`false`; nulls, arrays and objects are skipped.
    private static func flatParameters(_ object: OsmAndJSON) -> [Parameter] {
        guard case .object(let members) = object else { return [] }
        return members.compactMap { member in
            switch member.value {
            case .string(let s): Parameter(name: member.key, value: s)
            case .number(let text): Parameter(name: member.key, value: text)
            case .bool(let b): Parameter(name: member.key, value: b ? "true" : "false")
            case .null, .array, .object: nil
            }
        }
    }

    /// The byte offset of the first invalid UTF-8 sequence, or nil.
    private static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): offset += encoded.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }
}
