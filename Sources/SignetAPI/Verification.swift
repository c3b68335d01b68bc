import Foundation

/// `POST /auth/action/verify` (Signet's addition): an API behind another proxy asks Signet to check
/// and use up a user action for the request it received.
public struct VerifyUserActionRequest: Codable, Sendable, Equatable, KnownFields {
    /// The request's `X-DFNS-USERACTION`.
    public var userAction: String
    /// The request's bearer token (the user action is bound to it).
    public var accessToken: String
    /// The request's method, path (with its query, as received) and body (exactly as received; empty for none).
    public var method: String
    public var path: String
    public var body: String

    /// The fields it accepts (its JSON keys): any other is refused (``KnownFields``).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case userAction, accessToken, method, path, body
    }

    public init(userAction: String, accessToken: String, method: String, path: String, body: String) {
        self.userAction = userAction
        self.accessToken = accessToken
        self.method = method
        self.path = path
        self.body = body
    }
}

/// The answer of `POST /auth/action/verify`: the user action was valid and is now used up.
public struct VerifiedUserAction: Codable, Sendable, Equatable {
    public var userActionId: String
    public var userId: String
    public var username: String
    public var orgId: String
    public var tokenId: String
    public var tokenKind: TokenKind

    public init(userActionId: String, userId: String, username: String, orgId: String, tokenId: String, tokenKind: TokenKind) {
        self.userActionId = userActionId
        self.userId = userId
        self.username = username
        self.orgId = orgId
        self.tokenId = tokenId
        self.tokenKind = tokenKind
    }
}

/// RFC 7662 token introspection's answer (`POST /oauth2/introspect`): `active` alone when the token
/// is not an active Signet access token; else who it acts for and what it may do.
public struct IntrospectionResponse: Codable, Sendable, Equatable {
    public var active: Bool
    /// The user the token acts for.
    public var sub: String?
    public var username: String?
    /// `Pat`, `ServiceAccount` or `Token` (a login session).
    public var tokenType: String?
    public var exp: Int?
    public var iat: Int?
    public var iss: String?
    /// The effective operations (user ∩ token), space-separated, as OAuth scopes are.
    public var scope: String?
    public var orgId: String?
    public var tokenId: String?

    enum CodingKeys: String, CodingKey {
        case active, sub, username, exp, iat, iss, scope
        case tokenType = "token_type"
        case orgId = "org_id"
        case tokenId = "token_id"
    }

    public init(active: Bool) { self.active = active }
}
