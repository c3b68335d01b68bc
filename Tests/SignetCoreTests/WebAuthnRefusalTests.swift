import Foundation
import SignetCore
import SignetTestFixtures
import Testing

/// Each captured ceremony broken in one place: refused, with the error naming that place, never a crash.
@Suite("WebAuthn refusals derived from the vectors")
struct WebAuthnRefusalTests {
    typealias V = WebAuthnVectorTests

    static func flipped(_ bytes: [UInt8], at index: Int, bit: UInt8 = 0x01) -> [UInt8] {
        var copy = bytes
        copy[index] ^= bit
        return copy
    }

    static func refusal(_ body: () throws -> Any) -> WebAuthnError? {
        do {
            _ = try body()
            return nil
        } catch let error as WebAuthnError {
            return error
        } catch {
            return nil
        }
    }

    @Test("Assertions: wrong origin, rp id, flags, counter, challenge, user handle and key are each refused", arguments: V.vectors)
    func assertionRefusals(vector: WebAuthnVector) throws {
        let key = try V.register(vector).publicKey.publicKey
        let stored = vector.decoded.registration.authData.signCount
        let authData = try V.bytes(vector.assertion.authenticatorData)
        let elsewhere = try RelyingParty(id: "localhost", name: "Signet", origins: ["http://localhost:1"])
        #expect(Self.refusal { try V.assert(vector, key: key, stored: stored, relyingParty: elsewhere) } == .originNotAllowed(vector.origin))
        #expect(
            Self.refusal { try V.assert(vector, key: key, stored: stored, authenticatorData: Self.flipped(authData, at: 0)) } == .wrongRelyingParty
        )
        #expect(
            Self.refusal { try V.assert(vector, key: key, stored: stored, authenticatorData: Self.flipped(authData, at: 32, bit: 0x04)) }
                == .missingFlag("UV (user verified)")
        )
        #expect(
            Self.refusal { try V.assert(vector, key: key, stored: stored, authenticatorData: Self.flipped(authData, at: 32, bit: 0x01)) }
                == .missingFlag("UP (user present)")
        )
        let count = vector.decoded.assertion.authData.signCount
        if count > 0 {
            #expect(Self.refusal { try V.assert(vector, key: key, stored: count) } == .counterNotIncreased(stored: count, received: count))
        }
        #expect(Self.refusal { try V.assert(vector, key: key, stored: stored, challenge: vector.registration.challenge) } == .wrongChallenge)
        #expect(Self.refusal { try V.assert(vector, key: key, stored: stored, userHandle: .some(Array("us-someone-else".utf8))) } == .wrongUserHandle)
        #expect(
            Self.refusal { try V.assert(vector, key: key, stored: stored, clientData: V.bytes(vector.registration.clientDataJSON)) }
                == .wrongType(expected: "webauthn.get")
        )
        // The credential of another user (another vector's key of the same algorithm, or any other key).
        let other = try #require(V.vectors.first { $0.name != vector.name })
        let otherKey = try V.register(other).publicKey.publicKey
        #expect(Self.refusal { try V.assert(vector, key: otherKey, stored: stored) } == .badSignature)
    }

    @Test("Assertions: one bit flipped anywhere in clientData, authenticatorData or the signature is refused", arguments: V.vectors)
    func assertionBitFlips(vector: WebAuthnVector) throws {
        let key = try V.register(vector).publicKey.publicKey
        let stored = vector.decoded.registration.authData.signCount
        let clientData = try V.bytes(vector.assertion.clientDataJSON)
        let authData = try V.bytes(vector.assertion.authenticatorData)
        let signature = try V.bytes(vector.assertion.signature)
        for index in clientData.indices {
            #expect(Self.refusal { try V.assert(vector, key: key, stored: stored, clientData: Self.flipped(clientData, at: index)) } != nil)
        }
        for index in authData.indices {
            for bit in [UInt8(0x01), 0x80] {
                #expect(
                    Self.refusal { try V.assert(vector, key: key, stored: stored, authenticatorData: Self.flipped(authData, at: index, bit: bit)) }
                        != nil
                )
            }
        }
        for index in signature.indices {
            #expect(Self.refusal { try V.assert(vector, key: key, stored: stored, signature: Self.flipped(signature, at: index)) } == .badSignature)
        }
    }

    @Test("Registrations: wrong origin, challenge, credential id and algorithm are each refused", arguments: V.vectors)
    func registrationRefusals(vector: WebAuthnVector) throws {
        let elsewhere = try RelyingParty(id: "localhost", name: "Signet", origins: ["http://localhost:1"])
        #expect(Self.refusal { try V.register(vector, relyingParty: elsewhere) } == .originNotAllowed(vector.origin))
        #expect(Self.refusal { try V.register(vector, challenge: vector.assertion.challenge) } == .wrongChallenge)
        let registration = vector.registration
        #expect(
            Self.refusal {
                try WebAuthn.verifyRegistration(
                    clientData: V.bytes(registration.clientDataJSON),
                    attestationObject: V.bytes(registration.attestationObject),
                    credentialId: Array("another".utf8),
                    issuedChallenge: registration.challenge,
                    relyingParty: V.relyingParty(vector)
                )
            } == .credentialIdMismatch
        )
        let notOffered = COSEKey.supportedAlgorithms.filter { $0 != registration.publicKeyAlgorithm }
        #expect(
            Self.refusal {
                try WebAuthn.verifyRegistration(
                    clientData: V.bytes(registration.clientDataJSON),
                    attestationObject: V.bytes(registration.attestationObject),
                    credentialId: V.bytes(registration.rawId),
                    issuedChallenge: registration.challenge,
                    relyingParty: V.relyingParty(vector),
                    offeredAlgorithms: notOffered
                )
            } == .algorithmNotOffered(registration.publicKeyAlgorithm)
        )
        #expect(
            Self.refusal {
                try WebAuthn.verifyRegistration(
                    clientData: V.bytes(vector.assertion.clientDataJSON),
                    attestationObject: V.bytes(registration.attestationObject),
                    credentialId: V.bytes(registration.rawId),
                    issuedChallenge: vector.assertion.challenge,
                    relyingParty: V.relyingParty(vector)
                )
            } == .wrongType(expected: "webauthn.create")
        )
    }

    @Test("Registrations: a changed attestation object (rp id, flags, format, statement) is refused", arguments: V.vectors)
    func registrationRebuilt(vector: WebAuthnVector) throws {
        let registration = vector.registration
        let object = try CBORDecoder.decode(V.bytes(registration.attestationObject))
        guard case .map(let entries) = object, let authData = object["authData"]?.bytesValue else {
            Issue.record("no authData")
            return
        }
        func with(_ key: String, _ value: CBORValue) -> [UInt8] {
            CBOREncoder.encode(.map(entries.map { $0.key.textValue == key ? (key: $0.key, value: value) : $0 }))
        }
        func verify(_ attestationObject: [UInt8]) throws -> VerifiedRegistration {
            try WebAuthn.verifyRegistration(
                clientData: V.bytes(registration.clientDataJSON),
                attestationObject: attestationObject,
                credentialId: V.bytes(registration.rawId),
                issuedChallenge: registration.challenge,
                relyingParty: V.relyingParty(vector)
            )
        }
        #expect(Self.refusal { try verify(with("authData", .bytes(Self.flipped(authData, at: 5)))) } == .wrongRelyingParty)
        #expect(
            Self.refusal { try verify(with("authData", .bytes(Self.flipped(authData, at: 32, bit: 0x04)))) } == .missingFlag("UV (user verified)")
        )
        #expect(Self.refusal { try verify(with("authData", .bytes(Self.flipped(authData, at: 32, bit: 0x01)))) } == .missingFlag("UP (user present)"))
        #expect(Self.refusal { try verify(with("fmt", .text("tpm"))) } == .unsupportedAttestation("tpm"))
        if vector.decoded.registration.fmt == "packed" {
            guard case .map(let statement) = try #require(object["attStmt"]), let signature = object["attStmt"]?["sig"]?.bytesValue else { return }
            let broken = CBORValue.map(
                statement.map { $0.key.textValue == "sig" ? (key: $0.key, value: .bytes(Self.flipped(signature, at: 10))) : $0 }
            )
            guard case .badAttestation? = Self.refusal({ try verify(with("attStmt", broken)) }) else {
                Issue.record("a packed statement with a broken signature was not refused as a bad attestation")
                return
            }
            // The credential key inside authData changed: the attestation signature no longer covers it.
            #expect(Self.refusal { try verify(with("authData", .bytes(Self.flipped(authData, at: authData.count - 3)))) } != nil)
        } else {
            let statement = CBORValue.map([(key: .text("alg"), value: CBOREncoder.int(-7))])
            #expect(Self.refusal { try verify(with("attStmt", statement)) } == .badAttestation("a 'none' attestation must have an empty statement"))
        }
    }

    @Test("Any one bit flipped in an attestation object never crashes the verifier", arguments: V.vectors)
    func attestationSweep(vector: WebAuthnVector) throws {
        let object = try V.bytes(vector.registration.attestationObject)
        for index in object.indices {
            for bit in [UInt8(0x01), 0x20, 0x80] {
                _ = Self.refusal {
                    try WebAuthn.verifyRegistration(
                        clientData: V.bytes(vector.registration.clientDataJSON),
                        attestationObject: Self.flipped(object, at: index, bit: bit),
                        credentialId: V.bytes(vector.registration.rawId),
                        issuedChallenge: vector.registration.challenge,
                        relyingParty: V.relyingParty(vector)
                    )
                }
            }
        }
    }
}
