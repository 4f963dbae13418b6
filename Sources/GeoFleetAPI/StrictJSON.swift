import Foundation
import Hummingbird
import NIOCore

/// Any key of a JSON object, so that unknown fields can be refused by name.
struct AnyJSONKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
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

/// `T` decoded in the same pass that checks its keys: one JSON parse per body, where a key check by
/// `JSONSerialization` and then `JSONDecoder` parsed it up to three times (more than the route estimate
/// itself cost). Refusals are thrown as the ``APIError`` the client gets.
struct StrictlyDecoded<T: StrictBody>: Decodable {
    let value: T

    init(from decoder: any Decoder) throws {
        let top: KeyedDecodingContainer<AnyJSONKey>
        do {
            top = try decoder.container(keyedBy: AnyJSONKey.self)
        } catch {
            throw APIError.badRequest("request body must be a JSON object")
        }
        let unknown = Set(top.allKeys.map(\.stringValue)).subtracting(T.allowedKeys)
        if !unknown.isEmpty {
            throw APIError.badRequest("unknown field(s): \(unknown.sorted().joined(separator: ", "))")
        }
        for (path, allowed) in T.nestedAllowedKeys {
            guard let nested = Self.object(at: path, in: top) else { continue }
            let extra = Set(nested.allKeys.map(\.stringValue)).subtracting(allowed)
            if !extra.isEmpty {
                throw APIError.badRequest("unknown field(s) in \(path): \(extra.sorted().joined(separator: ", "))")
            }
        }
        do {
            value = try T(from: decoder)
        } catch let error as DecodingError {
            throw APIError.badRequest("invalid request body: \(ErrorMiddleware<APIRequestContext>.describe(error))")
        }
    }

    /// The object at the dotted `path` below `top`; nil when a step is missing or not an object.
    static func object(at path: String, in top: KeyedDecodingContainer<AnyJSONKey>) -> KeyedDecodingContainer<AnyJSONKey>? {
        var node = top
        for component in path.split(separator: ".") {
            let key = AnyJSONKey(stringValue: String(component))
            guard node.contains(key), let next = try? node.nestedContainer(keyedBy: AnyJSONKey.self, forKey: key) else { return nil }
            node = next
        }
        return node
    }
}

extension Request {
    /// Decodes a JSON body, refusing unknown fields (at the top and in `nestedAllowedKeys`) with 400.
    func decodeStrict<T: StrictBody>(_ type: T.Type, context: APIRequestContext, maxBytes: Int? = nil) async throws -> T {
        let limit = maxBytes ?? context.maxUploadSize
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "request body larger than \(limit / 1024) KiB")
        }
        do {
            return try JSONDecoder().decode(StrictlyDecoded<T>.self, from: Data(buffer.readableBytesView)).value
        } catch is DecodingError {
            // Thrown before StrictlyDecoded saw the body: it is not JSON.
            throw APIError.badRequest("request body must be a JSON object")
        }
    }
}
