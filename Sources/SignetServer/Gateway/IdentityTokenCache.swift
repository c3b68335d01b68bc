import Foundation
import HTTPTypes
import NIOConcurrencyHelpers
import SignetCore

/// The identity tokens the gateway reuses (see ``GatewayForwarder/identities``); emptied when it
/// holds 10,000, so it stays small whatever the traffic.
final class IdentityTokenCache: Sendable {
    private let entries = NIOLockedValueBox<[Key: (token: String, expiresAt: Date)]>([:])

    /// The facts a token states and the signing key, compared and hashed by their UTF-8 bytes
    /// (never by Unicode equivalence: two spellings are two tokens), without joining them.
    struct Key: Hashable, Sendable {
        let tokenId, userId, username, orgId, tokenKind, operation, method, upstream, target, signingKeyId: String

        static func == (left: Key, right: Key) -> Bool {
            func same(_ a: String, _ b: String) -> Bool { ExactText.equals(a, b) }
            return same(left.tokenId, right.tokenId) && same(left.userId, right.userId) && same(left.username, right.username)
                && same(left.orgId, right.orgId) && same(left.tokenKind, right.tokenKind) && same(left.operation, right.operation)
                && same(left.method, right.method) && same(left.upstream, right.upstream) && same(left.target, right.target)
                && same(left.signingKeyId, right.signingKeyId)
        }

        func hash(into hasher: inout Hasher) {
            func combine(_ fact: String) {
                var fact = fact
                fact.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
                hasher.combine(0xFF as UInt8)  // never in UTF-8: ends each fact
            }
            combine(tokenId); combine(userId); combine(username); combine(orgId); combine(tokenKind)
            combine(operation); combine(method); combine(upstream); combine(target); combine(signingKeyId)
        }
    }

    func token(for key: Key, now: Date) -> String? {
        entries.withLockedValue { entries in
            guard let entry = entries[key], entry.expiresAt.timeIntervalSince(now) > 30 else { return nil }
            return entry.token
        }
    }

    func store(_ token: String, for key: Key, expiresAt: Date) {
        entries.withLockedValue { entries in
            if entries.count >= 10_000 { entries.removeAll(keepingCapacity: true) }
            entries[key] = (token, expiresAt)
        }
    }
}

/// The names of the identity headers, made once (not validated again on every request).
enum IdentityHeaderNames {
    static let userId = name("X-Signet-User-Id")
    static let username = name("X-Signet-Username")
    static let orgId = name("X-Signet-Org-Id")
    static let tokenId = name("X-Signet-Token-Id")
    static let tokenKind = name("X-Signet-Token-Kind")
    static let operation = name("X-Signet-Operation")
    static let userActionId = name("X-Signet-User-Action-Id")
    static let identity = name("X-Signet-Identity")

    private static func name(_ text: String) -> HTTPField.Name {
        guard let name = HTTPField.Name(text) else { preconditionFailure("invalid header name \(text)") }
        return name
    }
}
