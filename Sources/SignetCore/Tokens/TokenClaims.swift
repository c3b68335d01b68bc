public import Foundation
public import JWTKit
public import SignetAPI

/// What a token is for, carried in `aud`. Bearer tokens use the Dfns audience; Signet's internal
/// tokens use their own, so one can never be presented as another.
public enum TokenAudience: String, Sendable, CaseIterable {
    /// Access tokens (login, PAT, service account), as the Dfns SDKs expect.
    case access = "dfns:auth:user"
    /// A `challengeIdentifier` from `/auth/login/init` or `/auth/action/init`.
    case challenge = "signet:challenge"
    /// A `userAction` from `/auth/action`, sent back as `X-DFNS-USERACTION`.
    case userAction = "signet:user-action"
}

/// The `https://custom/app_metadata` claim the Dfns SDKs read.
public struct AppMetadata: Codable, Sendable, Equatable {
    /// The user the token acts for (for a service account: its own user id).
    public var userId: String
    /// The organisation; the SDKs refuse a token whose orgId differs from their configuration.
    public var orgId: String
    /// The kind of token.
    public var tokenKind: TokenKind

    /// Creates the claim.
    public init(userId: String, orgId: String, tokenKind: TokenKind) {
        self.userId = userId
        self.orgId = orgId
        self.tokenKind = tokenKind
    }
}

/// The claims of every JWT Signet mints, matching the Dfns access-token samples.
public struct TokenClaims: JWTPayload, Equatable {
    /// Issuer.
    public var iss: IssuerClaim
    /// Audience; see ``TokenAudience``.
    public var aud: AudienceClaim
    /// The organisation id.
    public var sub: SubjectClaim
    /// The token's id: `to-…` for PATs and service accounts, `uj-…` for logins, `ch-…`/`ua-…` internally.
    public var jti: IDClaim
    /// Issued at.
    public var iat: IssuedAtClaim
    /// Expiry.
    public var exp: ExpirationClaim
    /// `https://custom/username`.
    public var username: String
    /// `https://custom/app_metadata`.
    public var appMetadata: AppMetadata

    enum CodingKeys: String, CodingKey {
        case iss, aud, sub, jti, iat, exp
        case username = "https://custom/username"
        case appMetadata = "https://custom/app_metadata"
    }

    /// Creates claims.
    public init(
        issuer: String,
        audience: TokenAudience,
        id: String,
        username: String,
        metadata: AppMetadata,
        issuedAt: Date,
        expiresAt: Date
    ) {
        self.iss = IssuerClaim(value: issuer)
        self.aud = AudienceClaim(value: audience.rawValue)
        self.sub = SubjectClaim(value: metadata.orgId)
        self.jti = IDClaim(value: id)
        // Whole seconds: NumericDate may be fractional, but some JWT libraries only read integers.
        self.iat = IssuedAtClaim(value: Date(timeIntervalSince1970: issuedAt.timeIntervalSince1970.rounded(.down)))
        self.exp = ExpirationClaim(value: Date(timeIntervalSince1970: expiresAt.timeIntervalSince1970.rounded(.down)))
        self.username = username
        self.appMetadata = metadata
    }

    /// Called by jwt-kit after the signature verifies. Expiry is checked by ``TokenAuthority`` with
    /// its injected clock (a token that expired by the system clock is refused here too, so a
    /// clock set in the past never revives one).
    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}
