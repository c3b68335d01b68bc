import Crypto
import Foundation
import NIOConcurrencyHelpers
import SignetAPI
import Testing

@testable import SignetCore

/// The JWT header is checked before any key: `alg` pinned to EdDSA, a known `kid` required, an
/// unknown `kid` reloading the keys.
@Suite("Token headers")
struct TokenHeaderTests {
    static let metadata = AppMetadata(userId: "us-a", orgId: "or-a", tokenKind: .pat)

    /// A token whose header is `header` and whose signature is made with `key`'s private key over it.
    static func forge(header: String, claimsFrom token: String, key: SigningKeyMaterial) throws -> String {
        let parts = token.split(separator: ".")
        let signingInput = Base64URL.encode(Array(header.utf8)) + "." + parts[1]
        let privateKey = try Curve25519.Signing.PrivateKey(rawRepresentation: key.privateKey)
        let signature = try privateKey.signature(for: Array(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(Array(signature))
    }

    @Test("No kid, an invented kid, or an alg other than EdDSA is refused; the real header verifies")
    func pinned() async throws {
        let key = SigningKeyMaterial.generate()
        let authority = try await TokenAuthority(issuer: "signet", keys: [], current: key)
        let token = try await authority.mint(
            audience: .access,
            id: "to-a",
            username: "u",
            metadata: Self.metadata,
            expiresAt: Date().addingTimeInterval(60)
        )
        _ = try await authority.verify(token, audience: .access)
        // The same claims and a valid EdDSA signature by the right key, under other headers.
        let valid = try Self.forge(header: #"{"alg":"EdDSA","kid":"\#(key.kid)","typ":"JWT"}"#, claimsFrom: token, key: key)
        _ = try await authority.verify(valid, audience: .access)
        for header in [
            #"{"alg":"EdDSA","typ":"JWT"}"#, #"{"alg":"EdDSA","kid":"sk-invented","typ":"JWT"}"#,
            #"{"alg":"HS256","kid":"\#(key.kid)","typ":"JWT"}"#, #"{"alg":"none","kid":"\#(key.kid)"}"#,
            #"{"alg":"EdDSA","kid":"\#(key.kid)","crit":["x"]}"#,
        ] {
            let forged = try Self.forge(header: header, claimsFrom: token, key: key)
            await #expect(throws: TokenFailure.self, "\(header)") { try await authority.verify(forged, audience: .access) }
        }
    }

    @Test("A token signed with a key this authority has not loaded yet makes it reload, once a second at most")
    func reloadOnUnknownKid() async throws {
        let old = SigningKeyMaterial.generate()
        let new = SigningKeyMaterial.generate()
        let reloads = NIOLockedValueBox(0)
        let source = NIOLockedValueBox([old])
        // A clock that moves only when the test moves it: "within the second" holds however slow the machine.
        let start = Date()
        let offset = NIOLockedValueBox<TimeInterval>(0)
        let authority = TokenAuthority(
            issuer: "signet",
            now: { start.addingTimeInterval(offset.withLockedValue { $0 }) },
            reloadSource: {
                reloads.withLockedValue { $0 += 1 }
                return source.withLockedValue { $0 }
            }
        )
        try await authority.load([old])
        let rotated = try await TokenAuthority(issuer: "signet", keys: [old], current: new)
        let token = try await rotated.mint(
            audience: .access,
            id: "to-a",
            username: "u",
            metadata: Self.metadata,
            expiresAt: Date().addingTimeInterval(60)
        )
        // The store does not have the key yet: refused, after one reload.
        await #expect(throws: TokenFailure.self) { try await authority.verify(token, audience: .access) }
        #expect(reloads.withLockedValue { $0 } == 1)
        // Within the second, no further reload.
        await #expect(throws: TokenFailure.self) { try await authority.verify(token, audience: .access) }
        #expect(reloads.withLockedValue { $0 } == 1)
        source.withLockedValue { $0 = [old, new] }
        offset.withLockedValue { $0 += 1.1 }  // the clock moves past the second; nothing sleeps
        _ = try await authority.verify(token, audience: .access)
        #expect(reloads.withLockedValue { $0 } == 2)
        #expect(authority.currentKeyID == new.kid)
    }
}
