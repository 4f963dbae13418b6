import GeoFleetCore
import Hummingbird

/// Responses whose JSON was written by hand with `JSONWriter`.
enum JSONResponse {
    /// 200 with the writer's JSON.
    static func ok(_ w: JSONWriter) -> Response { ok(bytes: w.bytes) }

    static func ok(bytes: [UInt8]) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `{"success":true, …}`: what a change answers, with the fields `rest` adds.
    static func success(_ rest: (inout JSONWriter) -> Void = { _ in }) -> Response {
        var w = JSONWriter()
        w.beginObject()
        w.key("success")
        w.bool(true)
        rest(&w)
        w.endObject()
        return ok(w)
    }
}

/// An answer that writes its own JSON with `JSONWriter`: 200 with those bytes.
protocol WrittenJSONResponse: ResponseGenerator {
    func json() -> [UInt8]
}

extension WrittenJSONResponse {
    func response(from request: Request, context: some RequestContext) throws -> Response {
        JSONResponse.ok(bytes: json())
    }
}
