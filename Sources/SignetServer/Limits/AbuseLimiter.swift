import Foundation
import HTTPTypes
import SignetAPI
import SignetCore

/// Enforces ``AbuseLimits``: each check takes a token from its key's bucket, or refuses with a 429
/// (`rate_limited`, `Retry-After`) that says which limit and when to try again. Checks run before
/// anything is written, so a refused request leaves nothing behind.
struct AbuseLimiter: Sendable {
    private let buckets: [AbuseLimits.Name: TokenBuckets]
    private let now: @Sendable () -> Date

    /// No limits (the default of the services, which the composition root replaces).
    static let unlimited = AbuseLimiter(.off, now: { Date() })

    init(_ limits: AbuseLimits, now: @escaping @Sendable () -> Date) {
        self.now = now
        buckets = limits.enabled ? limits.rates.mapValues { TokenBuckets($0) } : [:]
    }

    /// A login or registration request from `address` (`nil`: the address is unknown, not limited).
    func admitAuthentication(from address: String?) throws {
        guard let address else { return }
        try take(.address, address, "too many login and registration requests from your address")
    }

    /// A login or registration challenge for `username` in `orgId` (also counted for the
    /// organisation). Usernames are compared as the store compares them: case-insensitively.
    func admitChallenge(orgId: String, username: String) throws {
        try take(.username, orgId + "\u{0}" + username.lowercased(), "too many login or registration attempts for this username")
        try admitChallenge(orgId: orgId)
    }

    /// A login challenge without a username (a discoverable passkey's), counted for `orgId` only.
    func admitChallenge(orgId: String) throws {
        try take(.organisation, orgId, "too many login and registration attempts in this organisation")
    }

    /// A signed write by the token `tokenId` (a user-action challenge, or a Fast Auth request).
    func admitWrite(tokenId: String) throws {
        try take(.tokenWrites, tokenId, "too many signed writes with this token")
    }

    /// Refuses requests with a token from `address` while its failed checks are used up.
    func admitTokenBearer(from address: String?) throws {
        guard let address, let buckets = buckets[.failedTokens], let wait = buckets.wait(address, at: now()) else { return }
        throw Self.refusal("too many requests with a token that was not accepted came from your address", wait: wait)
    }

    /// Counts a failed bearer-token check from `address`.
    func recordFailedToken(from address: String?) {
        guard let address else { return }
        _ = buckets[.failedTokens]?.take(address, at: now())
    }

    /// Refuses an introspection by the caller `tokenId` while its inactive answers are used up (a
    /// service account guessing tokens).
    func admitIntrospection(by tokenId: String) throws {
        guard let buckets = buckets[.failedTokens], let wait = buckets.wait("introspection\u{0}" + tokenId, at: now()) else { return }
        throw Self.refusal("too many introspections of tokens that were not active", wait: wait)
    }

    /// Counts an introspection by `tokenId` that answered `{"active": false}`.
    func recordInactiveIntrospection(by tokenId: String) {
        _ = buckets[.failedTokens]?.take("introspection\u{0}" + tokenId, at: now())
    }

    private func take(_ name: AbuseLimits.Name, _ key: String, _ what: String) throws {
        guard let buckets = buckets[name], let wait = buckets.take(key, at: now()) else { return }
        throw Self.refusal("\(what) (limit \(name.rawValue): \(buckets.limit))", wait: wait)
    }

    private static func refusal(_ message: String, wait: TimeInterval) -> APIError {
        let seconds = max(1, Int(wait.rounded(.up)))
        return APIError(.tooManyRequests, "\(message); try again in \(seconds) s", id: .rateLimited).retrying(after: seconds)
    }
}
