/// How API tokens are checked: the HS256 secret, and RS256 keys from a JWKS file (Clerk session tokens).
public struct AuthSettings: Sendable, ConfigSection {
    /// nil: a random key kept in `<data dir>/jwt-secret`.
    public var secret: String?
    /// A JWKS file whose RS256 keys sign accepted tokens too.
    public var jwksFile: String?
    /// The issuer RS256 tokens must name (Clerk's frontend API URL); nil: not checked.
    public var issuer: String?
    /// Origins RS256 tokens' `azp` must be one of; empty: not checked.
    public var authorizedParties: Set<String> = []
    /// Clock skew allowed on `exp`, `nbf` and `iat`.
    public var leewaySeconds = 5

    public init() {}

    static var variables: [ConfigVariable<Self>] {
        [
            .optionalText(
                "GEOFLEET_JWT_SECRET", \.secret, "HS256 key for API tokens (at least 32 bytes)",
                unset: "unset: a random key created in the data dir and kept"),
            .optionalText("GEOFLEET_JWKS_FILE", \.jwksFile, "a JWKS file whose RS256 keys also sign accepted tokens (Clerk session tokens)"),
            .optionalText("GEOFLEET_JWT_ISSUER", \.issuer, "the `iss` RS256 tokens must carry", unset: "unset: not checked"),
            .list(
                "GEOFLEET_JWT_AUTHORIZED_PARTIES", keepDefaultWhenEmpty: false, "comma-separated origins; an RS256 token's `azp` must be one",
                defaultText: "unset: not checked", set: { $0.authorizedParties = Set($1) }),
            .integer("GEOFLEET_JWT_LEEWAY_SECONDS", \.leewaySeconds, 0...300, "clock skew allowed on `exp`, `nbf` and `iat`"),
        ]
    }
}
