import Foundation
import SignetCore
import SignetTestFixtures
import Testing

/// Every captured registration and assertion verifies, and each one broken in one place is refused
/// with the error that names that place.
@Suite("WebAuthn ceremonies against real browser vectors")
struct WebAuthnVectorTests {
    static let vectors = (try? WebAuthnVector.load()) ?? []

    static func bytes(_ text: String) throws -> [UInt8] { try #require(Base64URL.decode(text)) }

    static func relyingParty(_ vector: WebAuthnVector) throws -> RelyingParty {
        try RelyingParty(id: vector.rpId, name: "Signet", origins: [vector.origin])
    }

    static func register(
        _ vector: WebAuthnVector,
        relyingParty: RelyingParty? = nil,
        challenge: String? = nil,
        now: Date = Date()
    ) throws -> VerifiedRegistration {
        try WebAuthn.verifyRegistration(
            clientData: try bytes(vector.registration.clientDataJSON),
            attestationObject: try bytes(vector.registration.attestationObject),
            credentialId: try bytes(vector.registration.rawId),
            issuedChallenge: challenge ?? vector.registration.challenge,
            relyingParty: try relyingParty ?? Self.relyingParty(vector),
            now: now
        )
    }

    /// The assertion, with any one part replaced.
    static func assert(
        _ vector: WebAuthnVector,
        key: PublicKey,
        stored: UInt32,
        clientData: [UInt8]? = nil,
        authenticatorData: [UInt8]? = nil,
        signature: [UInt8]? = nil,
        userHandle: [UInt8]?? = nil,
        challenge: String? = nil,
        relyingParty: RelyingParty? = nil
    ) throws -> UInt32 {
        try WebAuthn.verifyAssertion(
            clientData: try clientData ?? bytes(vector.assertion.clientDataJSON),
            authenticatorData: try authenticatorData ?? bytes(vector.assertion.authenticatorData),
            signature: try signature ?? bytes(vector.assertion.signature),
            publicKey: key,
            issuedChallenge: challenge ?? vector.assertion.challenge,
            relyingParty: try relyingParty ?? Self.relyingParty(vector),
            storedSignCount: stored,
            userHandle: try userHandle ?? vector.assertion.userHandle.map(bytes),
            expectedUserHandle: try bytes(vector.registration.userId)
        ).signCount
    }

    @Test("The file holds the eight vectors: ES256, EdDSA, RS256; none, packed x5c, packed self")
    func vectorsLoaded() {
        #expect(Self.vectors.count == 8)
    }

    @Test("Every registration verifies: the key is the browser's, the attestation is recognised", arguments: vectors)
    func registrations(vector: WebAuthnVector) throws {
        let verified = try Self.register(vector)
        #expect(verified.publicKey.publicKey.canonicalDER == (try Self.bytes(vector.registration.publicKeySPKI)))
        #expect(verified.publicKey.algorithm == vector.registration.publicKeyAlgorithm)
        #expect(verified.signCount == vector.decoded.registration.authData.signCount)
        #expect(Hex.encode(verified.aaguid) == vector.decoded.registration.authData.aaguidHex)
        #expect(verified.origin == vector.origin)
        let expected =
            vector.decoded.registration.fmt == "none"
            ? "none" : vector.name.hasSuffix("self") ? "packed self" : "packed x5c (certificate not chained to a trusted root)"
        #expect(verified.attestation == expected)
    }

    @Test("A packed attestation certificate outside its validity period is refused", arguments: vectors)
    func certificateValidity(vector: WebAuthnVector) throws {
        guard try Self.register(vector).attestation.hasPrefix("packed x5c") else { return }
        for moment in [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 32_503_680_000)] {  // 1970 and 3000
            #expect(throws: WebAuthnError.self) { try Self.register(vector, now: moment) }
        }
    }

    @Test("Every assertion verifies with the registered key and returns the new counter", arguments: vectors)
    func assertions(vector: WebAuthnVector) throws {
        let registered = try Self.register(vector)
        let count = try Self.assert(vector, key: registered.publicKey.publicKey, stored: registered.signCount)
        #expect(count == vector.decoded.assertion.authData.signCount)
    }
}

extension WebAuthnVector: CustomTestStringConvertible {
    public var testDescription: String { name }
}
