import Foundation
import Testing

@testable import GeoFleetAPI

/// A body is parsed once: keys checked (top and nested) and the value decoded in the same pass.
@Suite struct StrictJSONTests {
    typealias Body = RouteRoutes.EstimateBody

    func refusal(_ json: String) -> String? {
        do {
            _ = try JSONDecoder().decode(StrictlyDecoded<Body>.self, from: Data(json.utf8))
            return nil
        } catch let error as APIError {
            return error.message
        } catch {
            return "not an APIError: \(error)"
        }
    }

    @Test func decodesAnAcceptedBody() throws {
        let json = #"{"from":{"lat":42.5,"long":1.5},"to":{"lat":42.6,"long":1.6},"driver":{"extendedDay":true}}"#
        let body = try JSONDecoder().decode(StrictlyDecoded<Body>.self, from: Data(json.utf8)).value
        #expect(body.from.lat == 42.5 && body.to.long == 1.6 && body.driver?.extendedDay == true && body.profile == nil)
    }

    @Test func refusesUnknownFieldsByName() {
        #expect(refusal(#"{"from":{"lat":1,"long":2},"to":{"lat":1,"long":2},"b":1,"a":2}"#) == "unknown field(s): a, b")
        #expect(refusal(#"{"from":{"lat":1,"long":2,"alt":3},"to":{"lat":1,"long":2}}"#) == "unknown field(s) in from: alt")
        #expect(refusal(#"{"from":{"lat":1,"long":2},"to":{"lat":1,"long":2},"driver":{"nap":true}}"#) == "unknown field(s) in driver: nap")
    }

    @Test func saysWhatIsWrongWithTheValue() {
        #expect(refusal(#"[1, 2]"#) == "request body must be a JSON object")
        #expect(refusal(#"{"from":{"long":2},"to":{"lat":1,"long":2}}"#) == "invalid request body: missing field from.lat")
        #expect(refusal(#"{"from":{"lat":"x","long":2},"to":{"lat":1,"long":2}}"#) == "invalid request body: wrong type at from.lat")
        // A nested field that is not an object is the value's problem, not an unknown key.
        #expect(refusal(#"{"from":3,"to":{"lat":1,"long":2}}"#) == "invalid request body: wrong type at from")
    }

    @Test func textThatIsNotJSONFailsBeforeTheKeysAreRead() {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(StrictlyDecoded<Body>.self, from: Data("{nope".utf8)) }
    }
}
