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
/// a signing key is withdrawn.
final class MintedTokens: Sendable {
    /// The most kept; when full, expired ones go, and all go unless that freed half.
    static let limit = 50_000
    private let state = NIOLockedValueBox<(generation: Int, tokens: [SHA256Digest: TokenClaims])>((0, [:]))

    /// Keeps `token`, minted with `claims` under the keys of `generation` (``forget(generation:)``):
    /// a token signed while the keys were being replaced is not kept.
    func remember(_ token: String, claims: TokenClaims, generation: Int, now: Date) {
        let digest = TokenDigest.hash(token)
        state.withLockedValue { state in
            guard state.generation == generation else { return }
            if state.tokens.count >= Self.limit {
                state.tokens = state.tokens.filter { $0.value.exp.value > now }
                if state.tokens.count >= Self.limit / 2 { state.tokens.removeAll() }
            }
            state.tokens[digest] = claims
        }
    }

    /// The claims `token` was minted with, if this authority minted it and has not seen it since.
    func take(_ token: String) -> TokenClaims? {
        let digest = TokenDigest.hash(token)
        return state.withLockedValue { $0.tokens.removeValue(forKey: digest) }
    }

    /// Forgets every token: the signing keys of `generation` replaced ones that may have signed them.
    func forget(generation: Int) {
        state.withLockedValue { state in
            guard generation > state.generation else { return }
            state.generation = generation
            state.tokens.removeAll()
        }
    }

    /// How many are kept (for tests).
    var count: Int { state.withLockedValue { $0.tokens.count } }
}
