import Foundation
import HTTPTypes
import SignetAPI
import SignetCore

/// Enforces ``AbuseLimits``: each check takes a token from its key's bucket, or refuses with a 429
/// (`rate_limited`, `Retry-After`) that says which limit and when to try again. Checks run before
/// anything is written, so a refused request leaves nothing behind.
struct AbuseLimiter: Sendable {
    /// The client's address as a bucket key (``ClientAddress/bucketKey(_:)``), set by
    /// ``AbuseLimitMiddleware`` for the services it calls.
    @TaskLocal static var clientAddress: String?

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
    /// organisation). Usernames are compared as the store compares them: case-insensitively. The
    /// username's bucket is per client address too, so that a stranger's requests for a person's
    /// name never lock the person out; the organisation's bounds what all addresses together add.
    /// Nothing is taken from either unless both admit the request.
    func admitChallenge(orgId: String, username: String) throws {
        let key = orgId + "\u{0}" + username.lowercased() + "\u{0}" + (Self.clientAddress ?? "")
        try take([
            (.username, key, "too many login or registration attempts for this username from your address"),
            (.organisation, orgId, "too many login and registration attempts in this organisation"),
        ])
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
        try admitUnlessFailed(address, "too many requests with a token that was not accepted came from your address")
    }

    /// Counts a failed bearer-token check from `address`.
    func recordFailedToken(from address: String?) {
        recordFailure(address)
    }

    /// Refuses an introspection by the caller `tokenId` while its inactive answers are used up (a
    /// service account guessing tokens).
    func admitIntrospection(by tokenId: String) throws {
        try admitUnlessFailed("introspection\u{0}" + tokenId, "too many introspections of tokens that were not active")
    }

    /// Counts an introspection by `tokenId` that answered `{"active": false}`.
    func recordInactiveIntrospection(by tokenId: String) {
        recordFailure("introspection\u{0}" + tokenId)
    }

    /// The failed-tokens limit is checked before a request and taken from only when it fails.
    private func admitUnlessFailed(_ key: String?, _ what: String) throws {
        guard let key, let buckets = buckets[.failedTokens], let wait = buckets.wait(key, at: now()) else { return }
        throw Self.refusal(what, wait: wait)
    }

    private func recordFailure(_ key: String?) {
        guard let key else { return }
        _ = buckets[.failedTokens]?.take(key, at: now())
    }

    private func take(_ name: AbuseLimits.Name, _ key: String, _ what: String) throws {
        try take([(name, key, what)])
    }

    /// Takes one token from each bucket, or none when any would refuse (the longest wait is said).
    private func take(_ checks: [(name: AbuseLimits.Name, key: String, what: String)]) throws {
        let now = self.now()
        let limited = checks.compactMap { check in
            buckets[check.name].flatMap { bucket in bucket.wait(check.key, at: now).map { (check, bucket, $0) } }
        }
        if let (check, bucket, wait) = limited.max(by: { $0.2 < $1.2 }) {
            throw Self.refusal("\(check.what) (limit \(check.name.rawValue): \(bucket.limit))", wait: wait)
        }
        for check in checks { _ = buckets[check.name]?.take(check.key, at: now) }
    }

    private static func refusal(_ message: String, wait: TimeInterval) -> APIError {
        let seconds = max(1, Int(wait.rounded(.up)))
        return APIError(.tooManyRequests, "\(message); try again in \(seconds) s", id: .rateLimited).retrying(after: seconds)
    }
}
