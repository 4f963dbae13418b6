import Testing

@testable import GeoFleetAPI

/// The `Authorization` header is read by bytes: the scheme in any case, the token trimmed.
@Suite struct BearerTokenTests {
    @Test func readsTheTokenAfterTheSchemeInAnyCase() {
        #expect(AuthMiddleware.bearerToken("Bearer abc.def.ghi") == "abc.def.ghi")
        #expect(AuthMiddleware.bearerToken("bEaReR abc") == "abc")
        #expect(AuthMiddleware.bearerToken("BEARER   abc \t") == "abc")
        #expect(AuthMiddleware.bearerToken("Bearer abc\u{00A0}") == "abc")
    }

    @Test func refusesOtherSchemesAndAnEmptyToken() {
        #expect(AuthMiddleware.bearerToken("Basic dXNlcjpwYXNz") == nil)
        #expect(AuthMiddleware.bearerToken("Bearer") == nil)
        #expect(AuthMiddleware.bearerToken("Bearer ") == nil)
        #expect(AuthMiddleware.bearerToken("Bearerabc.def") == nil)
        #expect(AuthMiddleware.bearerToken("Bearer\tabc") == nil)
        #expect(AuthMiddleware.bearerToken("Bearer   ") == "")
    }
}
