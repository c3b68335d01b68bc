import SignetStore

/// The responses ``AuthorizationCache`` renders once per change, each with the tables it is built
/// from. A rendered response is correct only while none of those tables changes, so every source
/// must announce ``StoreChange/authorization`` (`AuthorizationCacheTests` checks it). A new cached
/// response is added here, with its sources, and nowhere else.
enum CachedResponse: Sendable, Hashable {
    /// `GET /auth/pats`: the user's PATs, the credential that signs for each, and their roles.
    case pats(userId: String)
    /// `GET /auth/whoami`: the caller's token and user, and the effective permissions of the token.
    case whoami(userId: String, tokenId: String)

    /// The cache key: one entry per user or per token, starting with the user's (identifiers hold no `:`).
    var key: String {
        switch self {
        case .pats(let userId): "pats:\(userId)"
        case .whoami(let userId, let tokenId): "whoami:\(userId):\(tokenId)"
        }
    }

    /// Whether the response cached under `key` was rendered for `userId` (one of that user's
    /// lists or tokens), so that a change of that user's details drops it.
    static func key(_ key: String, belongsTo userId: String) -> Bool {
        key == "pats:\(userId)" || key.hasPrefix("whoami:\(userId):")
    }

    /// The tables the response reads.
    var sources: Set<StoreTable> {
        switch self {
        case .pats: [.accessTokens, .credentials, .roles, .assignments]
        case .whoami: [.accessTokens, .users, .roles, .assignments]
        }
    }

    /// Bookkeeping tables the response also reads. They announce nothing, so what it shows from them
    /// (a token's last use) may be up to the cache's lifetime old; never anything that decides access.
    var bookkeepingSources: Set<StoreTable> {
        switch self {
        case .pats: [.tokenUsage]
        case .whoami: []
        }
    }

    /// One of each case, for tests that check every response.
    static let examples: [CachedResponse] = [.pats(userId: "us-example"), .whoami(userId: "us-example", tokenId: "to-example")]
}
