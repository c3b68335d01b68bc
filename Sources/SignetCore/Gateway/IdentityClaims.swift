public import Foundation
import JWTKit

/// What the gateway tells an upstream about a request it let through, as the `X-Signet-Identity`
/// JWT (EdDSA, signed by Signet's current key, verifiable with `/.well-known/jwks.json`). The
/// audience is the upstream's name, so a token meant for one upstream is useless at another; it
/// names the request it was issued for (`htm` and `htu`, as DPoP's proofs do), so it is no
/// credential for any other request; it lives 60 seconds.
public struct IdentityClaims: Sendable, Equatable, Codable {
    /// `iss`: Signet's issuer.
    public var issuer: String
    /// `aud`: the upstream's name.
    public var audience: String
    /// `sub`: the user the request acts for.
    public var userId: String
    public var username: String
    public var orgId: String
    public var tokenId: String
    /// `Pat`, `ServiceAccount` or `Token` (a login session).
    public var tokenKind: String
    /// The operation the route required, which the caller holds.
    public var operation: String
    /// The user action a signed route consumed.
    public var userActionId: String?
    /// `htm`: the method of the request the token was issued for.
    public var method: String
    /// `htu`: the request target the upstream receives (its base path, the path and the query,
    /// byte for byte as sent).
    public var target: String
    public var issuedAt: Date
    public var expiresAt: Date
    /// The approval a held request was forwarded under (`approval_id`), when a policy held it.
    public var approvalId: String?
    /// The people whose approvals met its quorum (`approvers`).
    public var approvers: [String]?

    public init(
        issuer: String,
        audience: String,
        userId: String,
        username: String,
        orgId: String,
        tokenId: String,
        tokenKind: String,
        operation: String,
        userActionId: String?,
        method: String,
        target: String,
        issuedAt: Date,
        lifetime: TimeInterval = 60
    ) {
        self.method = method
        self.target = target
        self.issuer = issuer
        self.audience = audience
        self.userId = userId
        self.username = username
        self.orgId = orgId
        self.tokenId = tokenId
        self.tokenKind = tokenKind
        self.operation = operation
        self.userActionId = userActionId
        self.issuedAt = issuedAt
        self.expiresAt = issuedAt.addingTimeInterval(lifetime)
    }
}

/// The JWT form of ``IdentityClaims`` (short claim names, seconds since 1970).
struct IdentityPayload: JWTPayload {
    var iss: IssuerClaim
    var aud: AudienceClaim
    var sub: SubjectClaim
    var iat: IssuedAtClaim
    var exp: ExpirationClaim
    var jti: IDClaim
    var username: String
    var org_id: String
    var token_id: String
    var token_kind: String
    var operation: String
    var user_action_id: String?
    var htm: String
    var htu: String
    var approval_id: String?
    var approvers: [String]?

    init(_ claims: IdentityClaims) {
        iss = IssuerClaim(value: claims.issuer)
        aud = AudienceClaim(value: [claims.audience])
        sub = SubjectClaim(value: claims.userId)
        iat = IssuedAtClaim(value: claims.issuedAt)
        exp = ExpirationClaim(value: claims.expiresAt)
        jti = IDClaim(value: UUID().uuidString)
        username = claims.username
        org_id = claims.orgId
        token_id = claims.tokenId
        token_kind = claims.tokenKind
        operation = claims.operation
        user_action_id = claims.userActionId
        htm = claims.method
        htu = claims.target
        approval_id = claims.approvalId
        approvers = claims.approvers
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}

extension TokenAuthority {
    /// The `X-Signet-Identity` token for `claims`.
    public func identityToken(_ claims: IdentityClaims) async throws -> String {
        try await sign(IdentityPayload(claims))
    }

    /// The JSON Web Key Set of every signing key's public half (RFC 8037 OKP keys), for
    /// `/.well-known/jwks.json`.
    public func jwks() -> [String: [[String: String]]] {
        ["keys": publicKeys.map { ["kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": $0.kid, "x": Base64URL.encode($0.x)] }]
    }
}
