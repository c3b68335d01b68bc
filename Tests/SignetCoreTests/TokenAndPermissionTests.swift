import Foundation
import JWTKit
import NIOConcurrencyHelpers
import SignetAPI
import Testing

@testable import SignetCore

@Suite("Tokens")
struct TokenTests {
    let metadata = AppMetadata(userId: "us-a", orgId: "or-b", tokenKind: .pat)

    @Test("A minted token carries the Dfns claims and verifies only for its audience")
    func mintAndVerify() async throws {
        let key = SigningKeyMaterial.generate()
        let authority = try await TokenAuthority(issuer: "signet", keys: [], current: key)
        let token = try await authority.mint(
            audience: .access,
            id: "to-1",
            username: "a@example.com",
            metadata: metadata,
            expiresAt: Date().addingTimeInterval(60)
        )
        let claims = try await authority.verify(token, audience: .access)
        #expect(claims.jti.value == "to-1")
        #expect(claims.sub.value == "or-b")
        #expect(claims.appMetadata == metadata)
        await #expect(throws: TokenFailure.wrongAudience) { try await authority.verify(token, audience: .userAction) }

        // The payload as the SDKs decode it: base64url JSON with the https://custom/ claim names.
        let parts = token.split(separator: ".").map(String.init)
        let header = try JSONValue(parsing: try #require(Base64URL.decode(parts[0])))
        #expect(header["alg"] == .string("EdDSA"))
        let payload = try JSONValue(parsing: try #require(Base64URL.decode(parts[1])))
        #expect(payload["https://custom/app_metadata"]?["tokenKind"] == .string("Pat"))
        #expect(payload["https://custom/username"] == .string("a@example.com"))
        #expect(payload["aud"] == .string("dfns:auth:user"))
    }

    @Test("Expiry follows the authority's clock: moving it past exp refuses the token, no sleeping")
    func injectedClock() async throws {
        let clock = NIOLockedValueBox(Date())
        let authority = try await TokenAuthority(issuer: "signet", keys: [], current: .generate(), now: { clock.withLockedValue { $0 } })
        let start = clock.withLockedValue { $0 }
        let token = try await authority.mint(
            audience: .access,
            id: "to-1",
            username: "a",
            metadata: metadata,
            expiresAt: start.addingTimeInterval(60)
        )
        let claims = try await authority.verify(token, audience: .access)
        #expect(claims.iat.value == Date(timeIntervalSince1970: start.timeIntervalSince1970.rounded(.down)))
        clock.withLockedValue { $0 = start.addingTimeInterval(61) }
        await #expect(throws: TokenFailure.expired) { try await authority.verify(token, audience: .access) }
    }

    @Test("Expired, tampered and foreign tokens are refused; older keys still verify")
    func refusals() async throws {
        let old = SigningKeyMaterial.generate()
        let current = SigningKeyMaterial.generate()
        let before = try await TokenAuthority(issuer: "signet", keys: [], current: old)
        let after = try await TokenAuthority(issuer: "signet", keys: [old], current: current)
        let oldToken = try await before.mint(
            audience: .access,
            id: "to-1",
            username: "u",
            metadata: metadata,
            expiresAt: Date().addingTimeInterval(60)
        )
        #expect(try await after.verify(oldToken, audience: .access).jti.value == "to-1")

        let expired = try await after.mint(
            audience: .access,
            id: "to-2",
            username: "u",
            metadata: metadata,
            issuedAt: Date().addingTimeInterval(-120),
            expiresAt: Date().addingTimeInterval(-60)
        )
        await #expect(throws: TokenFailure.expired) { try await after.verify(expired, audience: .access) }

        let stranger = try await TokenAuthority(issuer: "signet", keys: [], current: .generate())
        let foreign = try await stranger.mint(
            audience: .access,
            id: "to-3",
            username: "u",
            metadata: metadata,
            expiresAt: Date().addingTimeInterval(60)
        )
        await #expect(throws: TokenFailure.badSignature) { try await after.verify(foreign, audience: .access) }

        var parts = oldToken.split(separator: ".").map(String.init)
        var payload = try #require(Base64URL.decode(parts[1]))
        payload[payload.count - 3] ^= 0x01
        parts[1] = Base64URL.encode(payload)
        await #expect(throws: TokenFailure.self) { try await after.verify(parts.joined(separator: "."), audience: .access) }
        await #expect(throws: TokenFailure.malformed) { try await after.verify("garbage", audience: .access) }
    }

    @Test("Token digests match only the same token")
    func digests() {
        let digest = TokenDigest.of("abc")
        #expect(digest.count == 64)
        #expect(TokenDigest.matches("abc", digest: digest))
        #expect(!TokenDigest.matches("abd", digest: digest))
    }
}

@Suite("Permissions")
struct PermissionTests {
    @Test("Intersection is the effective-permission rule")
    func intersection() {
        let user = PermissionSet(operations: ["Auth:Pats:Create", "Wallets:Read"])
        let token = PermissionSet(operations: ["Wallets:Read", "Wallets:Create"])
        #expect(user.intersection(token) == PermissionSet(operations: ["Wallets:Read"]))
        #expect(PermissionSet.all.intersection(token) == token)
        #expect(user.intersection(.all) == user)
        #expect(PermissionSet.all.intersection(.all) == .all)
        #expect(user.intersection(.none) == .none)
        #expect(PermissionSet.all.allows("Anything:Future"))
    }

    @Test("missing(from:) lists what a grant would add")
    func missing() {
        let caller = PermissionSet(operations: ["A", "B"])
        #expect(caller.missing(from: PermissionSet(operations: ["A"])).isEmpty)
        #expect(caller.missing(from: PermissionSet(operations: ["A", "C"])) == ["C"])
        #expect(!caller.missing(from: .all).isEmpty)
        #expect(PermissionSet.all.missing(from: .all).isEmpty)
    }

    @Test("OperationName names: current ones kept, legacy ones mapped, unknown ones refused")
    func catalog() {
        #expect(OperationCatalog.current.count == 140)
        #expect(OperationCatalog.canonicalName("Auth:Pats:Create") == "Auth:Pats:Create")
        #expect(OperationCatalog.canonicalName("PermissionAssignments:Create") == "Permissions:Assign")
        #expect(OperationCatalog.canonicalName("Auth:Types:Pat") == "Auth:Types:Pat")
        #expect(OperationCatalog.canonicalName("Auth:Pats:Delete") == nil)
        for operation in OperationName.allCases {
            #expect(OperationCatalog.canonicalName(operation.rawValue) == operation.rawValue)
        }
        for (_, current) in OperationCatalog.legacy {
            #expect(OperationCatalog.current.contains(current))
        }
    }
}
