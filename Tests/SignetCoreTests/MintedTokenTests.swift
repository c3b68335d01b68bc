import Foundation
import JWTKit
import NIOConcurrencyHelpers
import SignetAPI
import Testing

@testable import SignetCore

/// Challenge identifiers and user actions an authority minted are recognised by their digest
/// (``MintedTokens``) instead of a signature check: only its own tokens, byte for byte, with the
/// same expiry, issuer and audience checks, and never after its keys change.
@Suite("Tokens: the short-lived ones an authority minted")
struct MintedTokenTests {
    let metadata = AppMetadata(userId: "us-a", orgId: "or-b", tokenKind: .pat)

    func mint(_ authority: TokenAuthority, _ audience: TokenAudience, expiresIn seconds: TimeInterval = 60, now: Date = Date()) async throws -> String {
        try await authority.mint(audience: audience, id: "ua-1", username: "a", metadata: metadata, issuedAt: now, expiresAt: now.addingTimeInterval(seconds))
    }

    @Test("A user action or challenge is recognised once from memory, then by its signature; access tokens are not kept")
    func recognised() async throws {
        let authority = try await TokenAuthority(issuer: "signet", keys: [], current: .generate())
        for audience in [TokenAudience.userAction, .challenge] {
            let token = try await mint(authority, audience)
            #expect(authority.minted.count == 1)
            #expect(try await authority.verify(token, audience: audience).appMetadata == metadata)
            #expect(authority.minted.count == 0, "taken out when presented")
            #expect(try await authority.verify(token, audience: audience).jti.value == "ua-1", "the signature path still accepts it")
        }
        _ = try await mint(authority, .access)
        #expect(authority.minted.count == 0)
    }

    @Test("A changed token is not recognised and its signature fails; the audience and expiry still decide")
    func refusals() async throws {
        let clock = NIOLockedValueBox(Date())
        let authority = try await TokenAuthority(issuer: "signet", keys: [], current: .generate(), now: { clock.withLockedValue { $0 } })
        let token = try await mint(authority, .userAction, now: clock.withLockedValue { $0 })
        var parts = token.split(separator: ".").map(String.init)
        var signature = try #require(Base64URL.decode(parts[2]))
        signature[0] ^= 0x01
        parts[2] = Base64URL.encode(signature)
        await #expect(throws: TokenFailure.badSignature) { try await authority.verify(parts.joined(separator: "."), audience: .userAction) }
        #expect(authority.minted.count == 1, "the changed token did not take the real one out")
        await #expect(throws: TokenFailure.wrongAudience) { try await authority.verify(token, audience: .challenge) }

        let late = try await mint(authority, .userAction, now: clock.withLockedValue { $0 })
        clock.withLockedValue { $0 = $0.addingTimeInterval(61) }
        await #expect(throws: TokenFailure.expired) { try await authority.verify(late, audience: .userAction) }
    }

    @Test("Withdrawing a signing key forgets every kept token (one it signed is refused at once); adding one does not")
    func keysChange() async throws {
        let old = SigningKeyMaterial.generate()
        let authority = try await TokenAuthority(issuer: "signet", keys: [], current: old)
        let kept = try await mint(authority, .challenge)
        try await authority.load([old, SigningKeyMaterial.generate()])
        #expect(authority.minted.count == 1, "a rotation that keeps the old key keeps its tokens")
        #expect(try await authority.verify(kept, audience: .challenge).jti.value == "ua-1")

        let token = try await mint(authority, .userAction)
        try await authority.load([SigningKeyMaterial.generate()])
        #expect(authority.minted.count == 0)
        await #expect(throws: TokenFailure.self) { try await authority.verify(token, audience: .userAction) }
    }

    @Test("A token signed with the keys of before a withdrawal is not kept, even if it arrives after")
    func staleGeneration() async throws {
        let authority = try await TokenAuthority(issuer: "signet", keys: [], current: .generate())
        let claims = try await authority.verify(try await mint(authority, .userAction), audience: .userAction)
        let tokens = MintedTokens()
        tokens.forget(generation: 2)
        tokens.remember("old", claims: claims, generation: 1, now: Date())
        tokens.forget(generation: 1)
        tokens.remember("current", claims: claims, generation: 2, now: Date())
        #expect(tokens.take("old") == nil)
        #expect(tokens.take("current") != nil, "an older forget arriving late changes nothing")
    }

    @Test("A kept token is refused when the system clock says it expired, and an overlong one is never looked up")
    func systemClockAndLength() async throws {
        let behind = Date().addingTimeInterval(-3600)
        let authority = try await TokenAuthority(issuer: "signet", keys: [], current: .generate(), now: { behind })
        let token = try await mint(authority, .userAction, now: behind)
        #expect(authority.minted.count == 1)
        await #expect(throws: TokenFailure.expired, "the server's clock alone would accept it") {
            try await authority.verify(token, audience: .userAction)
        }
        let long = try await authority.mint(
            audience: .userAction, id: "ua-2", username: String(repeating: "a", count: TokenAuthority.maximumTokenLength),
            metadata: metadata, issuedAt: Date(), expiresAt: Date().addingTimeInterval(60)
        )
        #expect(authority.minted.count == 1)
        await #expect(throws: TokenFailure.malformed) { try await authority.verify(long, audience: .userAction) }
        #expect(authority.minted.count == 1, "not taken out: refused before the lookup")
    }

    @Test("When full, expired tokens go first")
    func bounded() async throws {
        let clock = NIOLockedValueBox(Date())
        let authority = try await TokenAuthority(issuer: "signet", keys: [], current: .generate(), now: { clock.withLockedValue { $0 } })
        let start = clock.withLockedValue { $0 }
        let claims = try await authority.verify(try await mint(authority, .userAction, now: start), audience: .userAction)
        let tokens = MintedTokens()
        for index in 0..<MintedTokens.limit {
            var expired = claims
            expired.exp.value = start.addingTimeInterval(index == 0 ? 60 : -1)
            tokens.remember("t\(index)", claims: expired, generation: 0, now: start)
        }
        tokens.remember("fresh", claims: claims, generation: 0, now: start)
        #expect(tokens.count == 2, "the one live token and the new one stay")
        #expect(tokens.take("t0") != nil && tokens.take("fresh") != nil)

        // When dropping the expired frees less than half, everything goes.
        let crowded = MintedTokens()
        for index in 0..<MintedTokens.limit {
            var entry = claims
            entry.exp.value = start.addingTimeInterval(index <= MintedTokens.limit / 2 ? 60 : -1)
            crowded.remember("t\(index)", claims: entry, generation: 0, now: start)
        }
        crowded.remember("fresh", claims: claims, generation: 0, now: start)
        #expect(crowded.count == 1)
    }
}
