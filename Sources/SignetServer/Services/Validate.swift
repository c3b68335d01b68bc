import Foundation
import SignetAPI
import SignetCore
import SignetStore

/// Input rules shared by several routes, each failing with a 4xx that names the field.
enum Validate {
    /// The longest name accepted, in characters.
    static let maximumNameLength = 100
    /// The longest name accepted, in UTF-8 bytes (one character can hold many combining marks).
    static let maximumNameBytes = 400

    /// A name: trimmed, 1 to 100 characters and at most 400 bytes, with no control, format
    /// (bidirectional, zero-width) or separator characters (``TextRules``).
    static func name(_ value: String, field: String = "name") throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        try text(trimmed, field: field, maximumCharacters: maximumNameLength, maximumBytes: maximumNameBytes)
        return trimmed
    }

    /// Applies ``TextRules`` to a field, with a 400 that names it.
    static func text(_ value: String, field: String, maximumCharacters: Int, maximumBytes: Int) throws {
        do {
            try TextRules.check(value, maximumCharacters: maximumCharacters, maximumBytes: maximumBytes)
        } catch {
            throw APIError.invalid(field, "field '\(field)' \(error.description)")
        }
    }

    /// An optional external reference: 1 to 255 characters (1,000 bytes) when present, under the
    /// same character rules as names.
    static func externalId(_ value: String?) throws -> String? {
        guard let value else { return nil }
        try text(value, field: "externalId", maximumCharacters: 255, maximumBytes: 1000)
        return value
    }

    /// A token lifetime in seconds from `daysValid` or `secondsValid` (which wins), at most
    /// `maximumDays`; the maximum when neither is given.
    static func lifetime(days: Int?, seconds: Int?, maximumDays: Int) throws -> TimeInterval {
        let maximumSeconds = maximumDays * 86_400
        if let seconds {
            guard seconds > 0, seconds <= maximumSeconds else {
                throw APIError.invalid("secondsValid", "field 'secondsValid' must be between 1 and \(maximumSeconds)")
            }
            return TimeInterval(seconds)
        }
        if let days {
            guard days > 0, days <= maximumDays else {
                throw APIError.invalid("daysValid", "field 'daysValid' must be between 1 and \(maximumDays)")
            }
            return TimeInterval(days * 86_400)
        }
        return TimeInterval(maximumSeconds)
    }

    /// A public key in PEM from the request field `field` (a 400 naming it when it is not one Signet accepts).
    static func publicKey(_ pem: String, field: String = "publicKey") throws -> PublicKey {
        do {
            return try PublicKey(pem: pem)
        } catch {
            throw APIError.invalid(field, error.description)
        }
    }

    /// A role of the organisation that can be assigned: it exists and is not archived.
    static func assignableRole(_ permissionId: String, orgId: String, store: any SignetStore) async throws -> RoleRecord {
        guard Identifier.isWellFormed(permissionId, prefix: .permission) else {
            throw APIError.invalid("permissionId", "field 'permissionId' must be a permission id (pm-…)")
        }
        guard let role = try await store.role(id: permissionId), role.orgId == orgId else {
            throw APIError.notFound("permission \(permissionId) not found").with(field: "permissionId")
        }
        guard !role.isArchived else { throw APIError.invalid("permissionId", "permission \(permissionId) is archived") }
        return role
    }

    /// Refuses a key already registered on any credential of the organisation, active or not.
    static func keyIsNew(_ key: PublicKey, orgId: String, store: any SignetStore) async throws {
        if try await store.credentialExists(orgId: orgId, fingerprint: key.fingerprint) {
            throw APIError.conflict(
                "this public key is already registered; every credential needs its own keypair, generate a new one",
                details: ["duplicate": "publicKey"]
            )
        }
    }

    /// A client-chosen `credId`: 16 to 128 base64url characters.
    static func credId(_ credId: String) throws {
        guard (16...128).contains(credId.utf8.count), Base64URL.decode(credId) != nil else {
            throw APIError.invalid("credentialInfo.credId", "credentialInfo.credId must be 16 to 128 base64url characters")
        }
    }

    /// A new Key credential, as `POST /auth/credentials` and `POST /auth/registration` take it: its
    /// attestation verifies for `challenge`, and neither its key nor its `credId` is registered in
    /// the organisation. Returns the key.
    static func newKey(
        _ info: KeyCredentialInfo,
        challenge: ChallengeRecord,
        orgId: String,
        store: any SignetStore
    ) async throws
        -> PublicKey
    {
        let publicKey: PublicKey
        do {
            publicKey = try KeyAttestation.verify(
                clientData: info.clientData,
                attestationData: info.attestationData,
                expectedChallenge: challenge.challenge
            )
        } catch .key(let error) {
            throw APIError.badRequest(error.description)
        } catch .badSignature {
            throw APIError.forbidden(KeyAttestation.Failure.badSignature.description)
        } catch .challengeMismatch {
            throw APIError.forbidden("the credential challenge is not valid: \(KeyAttestation.Failure.challengeMismatch.description)")
        } catch {
            throw APIError.badRequest(error.description)
        }
        try await keyIsNew(publicKey, orgId: orgId, store: store)
        if try await store.credentialIdentifierTaken(info.credId) {
            throw APIError.conflict("credId \(info.credId) is already taken; choose another", details: ["duplicate": "credId"])
        }
        return publicKey
    }
}
