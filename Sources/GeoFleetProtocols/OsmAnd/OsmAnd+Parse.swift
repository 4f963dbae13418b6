extension OsmAnd {
    /// Parses one request into its positions, one per location (several for a JSON batch), all for one
    /// device. `query` is the raw URI query after `?`; `now` (ms since the epoch) is the fix time of a
    /// position sent without a timestamp. Pure: no I/O, no clock.
    public static func parse(
        method: String, query: String, contentType: String?, body: [UInt8], now: Int64
    ) throws(OsmAndError) -> [OsmAndReport] {
        guard method == "GET" || method == "POST" else { throw .unsupportedMethod(method) }
        guard body.count <= maxBodyBytes else { throw .bodyTooLarge(size: body.count, limit: maxBodyBytes) }
        let queryBytes = Array(query.utf8)
        guard queryBytes.count <= maxQueryBytes else { throw .queryTooLarge(size: queryBytes.count, limit: maxQueryBytes) }

        switch try bodyKind(contentType: contentType, body: body) {
        case .json:
            return try reports(json: body, now: now)
        case .form:
            // Traccar reads the body only when the query is empty; reading both loses nothing.
            let parameters = try formParameters(queryBytes, part: "query") + formParameters(body, part: "body")
            return [try report(parameters: parameters, now: now)]
        case .none:
            // Traccar Client for Android up to 8.x POSTs with everything in the query and no body.
            return [try report(parameters: try formParameters(queryBytes, part: "query"), now: now)]
        }
    }

    private enum BodyKind { case none, form, json }

    /// What the body holds, from its media type. An empty body is ignored whatever the header says;
    /// a body without a Content-Type is read as a form, as Traccar does.
    private static func bodyKind(contentType: String?, body: [UInt8]) throws(OsmAndError) -> BodyKind {
        guard !body.isEmpty else { return .none }
        guard let contentType else { return .form }
        let mediaType = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        switch mediaType.trimmingASCIIWhitespace().lowercased() {
        case "", "application/x-www-form-urlencoded": return .form
        case "application/json": return .json
        default: throw .unsupportedContentType(contentType)
        }
    }
}

extension Substring {
    fileprivate func trimmingASCIIWhitespace() -> Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return s
    }
}
