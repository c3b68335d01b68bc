package import SignetAPI
package import SignetStore

/// Who is making a request: the user and the token they presented, both checked live for this request.
package struct Caller: Sendable {
    /// The user the token acts for (a service account's own user for its token).
    package let user: UserRecord
    /// The token presented.
    package let token: AccessTokenRecord

    package var orgId: String { user.orgId }
    package var userId: String { user.id }
    package var tokenKind: TokenKind { token.kind }

    /// The identity whose Key credentials sign this caller's user actions: a PAT signs with its own
    /// keypair, everyone else with the user's credentials.
    package var signingIdentityId: String { token.kind == .pat ? token.id : user.id }

    /// How refusals name the caller, in the Dfns form: `CustomerEmployee us-…`, `Pat to-…`, `ServiceAccount us-…`.
    package var errorName: String {
        switch token.kind {
        case .pat: return "Pat \(token.id)"
        case .serviceAccount: return "ServiceAccount \(user.id)"
        case .login, .temporary: return "\(user.kind.rawValue) \(user.id)"
        }
    }

    /// Whether the caller logged in as a person (rather than a PAT or a service account).
    package var isUserLogin: Bool { token.kind == .login && !user.isServiceAccount }
}
