/// The elements of a JSON array written one at a time as rows stream in: a separator before every one
/// but the first.
struct JSONArrayItems {
    private var first = true

    mutating func append(_ element: [UInt8], to sink: ExportSink) throws {
        if !first { try sink.write(",\n") }
        first = false
        try sink.write(element)
    }
}
