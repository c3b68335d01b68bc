import Crypto
import Foundation
import JWTKit
import NIOConcurrencyHelpers

/// The short-lived tokens a ``TokenAuthority`` minted (challenge identifiers and user actions),
/// with their claims, by SHA-256 of the token's exact bytes: each is presented once or twice,
/// nearly always to the node that minted it, and recognising it here costs a hash instead of an
/// Ed25519 check and a JSON parse (a tenth of a three-request round's server time). Only tokens
/// this authority signed are ever here, so a hit is exactly as good as a verified signature; a
/// token from another node, or minted before a restart, is verified as usual. Each entry is taken
/// out when it is presented (the store decides single use either way), and all are dropped when
/// the signing keys change.
final class MintedTokens: Sendable {
    /// The most kept; when full, expired ones go, then all.
    static let limit = 50_000
    private let tokens = NIOLockedValueBox<[SHA256Digest: TokenClaims]>([:])

    /// Keeps `token`, minted with `claims`.
    func remember(_ token: String, claims: TokenClaims, now: Date) {
        let digest = TokenDigest.hash(token)
        tokens.withLockedValue { tokens in
            if tokens.count >= Self.limit {
                tokens = tokens.filter { $0.value.exp.value > now }
                if tokens.count >= Self.limit { tokens.removeAll() }
            }
            tokens[digest] = claims
        }
    }

    /// The claims `token` was minted with, if this authority minted it and has not seen it since.
    func take(_ token: String) -> TokenClaims? {
        let digest = TokenDigest.hash(token)
        return tokens.withLockedValue { $0.removeValue(forKey: digest) }
    }

    /// Forgets every token (the signing keys changed: one may have been withdrawn).
    func forget() {
        tokens.withLockedValue { $0.removeAll() }
    }

    /// How many are kept (for tests).
    var count: Int { tokens.withLockedValue { $0.count } }
}
