import SignetAPI
import SignetStore

/// Who is making a request: the user and the token they presented, both checked live for this request.
public struct Caller: Sendable {
    /// The user the token acts for (a service account's own user for its token).
    public let user: UserRecord
    /// The token presented.
    public let token: AccessTokenRecord

    public var orgId: String { user.orgId }
    public var userId: String { user.id }
    public var tokenKind: TokenKind { token.kind }

    /// The identity whose Key credentials sign this caller's user actions: a PAT signs with its own
    /// keypair, everyone else with the user's credentials.
    public var signingIdentityId: String { token.kind == .pat ? token.id : user.id }

    /// How refusals name the caller, in the Dfns form: `CustomerEmployee us-…`, `Pat to-…`, `ServiceAccount us-…`.
    public var errorName: String {
        switch token.kind {
        case .pat: return "Pat \(token.id)"
        case .serviceAccount: return "ServiceAccount \(user.id)"
        case .login, .temporary: return "\(user.kind.rawValue) \(user.id)"
        }
    }

    /// Whether the caller logged in as a person (rather than a PAT or a service account).
    public var isUserLogin: Bool { token.kind == .login && !user.isServiceAccount }
}
