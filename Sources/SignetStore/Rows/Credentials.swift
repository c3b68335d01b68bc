import Foundation
import SignetAPI
import SignetCore

/// A credential: a public key that signs for one identity (a user, or a PAT's token id).
public struct CredentialRecord: StoreRow, Equatable {
    /// `cr-…`.
    public var uuid: String
    public var orgId: String
    /// The `credId` signers name (base64url).
    public var credentialId: String
    /// The identity it signs for: a user id (`us-…`) or a PAT's token id (`to-…`).
    public var identityId: String
    public var kind: CredentialKind
    public var name: String
    /// Canonical SPKI PEM.
    public var publicKeyPEM: String
    /// See ``PublicKey/fingerprint``; unique per organisation.
    public var fingerprint: String
    public var algorithm: KeyAlgorithm
    public var isActive: Bool
    @Milliseconds public var createdAt: Date

    public init(
        uuid: String, orgId: String, credentialId: String, identityId: String, kind: CredentialKind = .key, name: String,
        publicKeyPEM: String, fingerprint: String, algorithm: KeyAlgorithm, isActive: Bool = true, createdAt: Date
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

    public static let table = StoreTable.credentials
    public static let primaryKey = CodingKeys.uuid

    public enum CodingKeys: String, CodingKey, CaseIterable {
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
    }
}
