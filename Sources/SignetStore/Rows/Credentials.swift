package import Foundation
package import SignetAPI
package import SignetCore

/// A credential: a public key that signs for one identity (a user, or a PAT's token id).
package struct CredentialRecord: StoreRow, Equatable {
    /// `cr-…`.
    package var uuid: String
    package var orgId: String
    /// The `credId` signers name (base64url).
    package var credentialId: String
    /// The identity it signs for: a user id (`us-…`) or a PAT's token id (`to-…`).
    package var identityId: String
    package var kind: CredentialKind
    package var name: String
    /// Canonical SPKI PEM.
    package var publicKeyPEM: String
    /// See ``PublicKey/fingerprint``; unique per organisation.
    package var fingerprint: String
    package var algorithm: KeyAlgorithm
    package var isActive: Bool
    @Milliseconds package var createdAt: Date
    /// Passkeys: the relying party id and the origin the credential was registered on ("" for keys).
    package var relyingPartyId = ""
    package var origin = ""
    /// Passkeys: the authenticator model (AAGUID, hex), and which attestation it gave.
    package var aaguid = ""
    package var attestation = ""
    /// Passkeys: the authenticator's signature counter at registration. Later uses raise it in the
    /// bookkeeping table (``CredentialCounterRow``); the counter is the greater of the two.
    package var signCount: Int64 = 0
    /// Set when a passkey's counter went backwards: the authenticator may have been cloned.
    package var isFlagged = false
    /// Passkeys: whether it may be synced to other devices (BE), and is (BS), at registration.
    package var backupEligible = false
    package var backedUp = false
    /// Deleted credentials stay (inactive, unlisted) so the audit log can name them and their keys stay taken.
    package var isDeleted = false
    /// A RecoveryKey's private key as the client encrypted it (opaque to Signet, handed back at
    /// `POST /auth/recover/user/init`), or `nil`.
    package var encryptedPrivateKey: String?

    package init(
        uuid: String,
        orgId: String,
        credentialId: String,
        identityId: String,
        kind: CredentialKind = .key,
        name: String,
        publicKeyPEM: String,
        fingerprint: String,
        algorithm: KeyAlgorithm,
        isActive: Bool = true,
        createdAt: Date
    ) {
        self.uuid = uuid
        self.orgId = orgId
        self.credentialId = credentialId
        self.identityId = identityId
        self.kind = kind
        self.name = name
        self.publicKeyPEM = publicKeyPEM
        self.fingerprint = fingerprint
        self.algorithm = algorithm
        self.isActive = isActive
        self.createdAt = createdAt
    }

    package static let table = StoreTable.credentials
    package static let primaryKey = CodingKeys.uuid

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case uuid
        case orgId = "org_id"
        case credentialId = "credential_id"
        case identityId = "identity_id"
        case kind
        case name
        case publicKeyPEM = "public_key"
        case fingerprint
        case algorithm
        case isActive = "is_active"
        case createdAt = "created_at"
        case relyingPartyId = "relying_party_id"
        case origin
        case aaguid
        case attestation
        case signCount = "sign_count"
        case isFlagged = "is_flagged"
        case backupEligible = "backup_eligible"
        case backedUp = "backed_up"
        case isDeleted = "is_deleted"
        case encryptedPrivateKey = "encrypted_private_key"
    }
}

extension CredentialRecord {
    /// A Key credential Signet creates itself (for a PAT, a service account, a user created with a
    /// public key, the first administrator): its `credId` is its `cr-…` uuid, as the Dfns
    /// documentation tells users to configure their signers ("Credential ID (cr-...)").
    package static func key(
        orgId: String,
        identityId: String,
        name: String,
        publicKey: PublicKey,
        createdAt: Date,
        uuid: String = Identifier.make(.credential)
    ) -> CredentialRecord {
        CredentialRecord(
            uuid: uuid,
            orgId: orgId,
            credentialId: uuid,
            identityId: identityId,
            name: name,
            publicKeyPEM: publicKey.pemRepresentation,
            fingerprint: publicKey.fingerprint,
            algorithm: publicKey.algorithm,
            createdAt: createdAt
        )
    }
}
