import Foundation
import Hummingbird
import NIOCore

/// Collects the keys of a JSON object so that unknown fields can be refused by name.
struct ObjectKeys: Decodable {
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    let keys: Set<String>

    init(from decoder: any Decoder) throws {
        keys = Set(try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue))
    }
}

/// A request body type that names the fields it accepts, at the top and in its nested objects.
protocol StrictBody: Decodable {
    static var allowedKeys: Set<String> { get }
    /// Dotted paths of nested objects (`capacity`, `currentCargo.pickup`) and the fields each accepts.
    static var nestedAllowedKeys: [String: Set<String>] { get }
}

extension StrictBody {
    static var nestedAllowedKeys: [String: Set<String>] { [:] }
}

extension Request {
    /// Decodes a JSON body, refusing unknown top-level fields with 400.
    func decodeStrict<T: StrictBody>(_ type: T.Type, context: APIRequestContext, maxBytes: Int? = nil) async throws -> T {
        let limit = maxBytes ?? context.maxUploadSize
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "request body larger than \(limit / 1024) KiB")
        }
        let data = Data(buffer.readableBytesView)
        let keys: ObjectKeys
        do {
            keys = try JSONDecoder().decode(ObjectKeys.self, from: data)
        } catch {
            throw APIError.badRequest("request body must be a JSON object")
        }
        let unknown = keys.keys.subtracting(T.allowedKeys)
        if !unknown.isEmpty {
            throw APIError.badRequest("unknown field(s): \(unknown.sorted().joined(separator: ", "))")
        }
        if !T.nestedAllowedKeys.isEmpty, let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            for (path, allowed) in T.nestedAllowedKeys {
                var node: Any? = object
                for component in path.split(separator: ".") { node = (node as? [String: Any])?[String(component)] }
                guard let nested = node as? [String: Any] else { continue }
                let extra = Set(nested.keys).subtracting(allowed)
                if !extra.isEmpty {
                    throw APIError.badRequest("unknown field(s) in \(path): \(extra.sorted().joined(separator: ", "))")
                }
            }
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw APIError.badRequest("invalid request body: \(ErrorMiddleware<APIRequestContext>.describe(error))")
        }
    }
}
