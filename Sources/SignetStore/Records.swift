import Foundation
import SignetAPI
import SignetCore

/// An organisation.
public struct OrganizationRecord: Sendable, Equatable {
    public var id: String
    public var name: String
    public var createdAt: Date

    public init(id: String, name: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
    }
}

/// A user: a person, or a service account (`isServiceAccount`).
public struct UserRecord: Sendable, Equatable {
    public var id: String
    public var orgId: String
    /// The login name: the email for people, the account's name for service accounts.
    public var username: String
    public var name: String
    public var kind: UserKind
    public var isActive: Bool
    public var isServiceAccount: Bool
    public var isRegistered: Bool
    public var isSSORequired: Bool
    public var externalId: String?
    /// Deleted users are kept for the audit log but can do nothing and are not listed.
    public var isDeleted: Bool
    /// Who created the user (`nil` for the first administrator).
    public var createdBy: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, orgId: String, username: String, name: String, kind: UserKind, isActive: Bool = true,
        isServiceAccount: Bool = false, isRegistered: Bool = true, isSSORequired: Bool = false,
        externalId: String? = nil, isDeleted: Bool = false, createdBy: String? = nil, createdAt: Date, updatedAt: Date? = nil
    ) {
        self.id = id
        self.orgId = orgId
        self.username = username
        self.name = name
        self.kind = kind
        self.isActive = isActive
        self.isServiceAccount = isServiceAccount
        self.isRegistered = isRegistered
        self.isSSORequired = isSSORequired
        self.externalId = externalId
        self.isDeleted = isDeleted
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }
}

/// A credential: a public key that signs for one identity (a user, or a PAT's token id).
public struct CredentialRecord: Sendable, Equatable {
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
    public var createdAt: Date

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
}

/// An access token Signet minted: a login session, a PAT or a service account's token.
/// Only the token's SHA-256 is kept, never the token.
public struct AccessTokenRecord: Sendable, Equatable {
    /// `to-…` for PATs and service accounts, `uj-…` for logins; the JWT's `jti`.
    public var id: String
    public var orgId: String
    public var kind: TokenKind
    /// The user the token acts for (for a service account, its own user).
    public var userId: String
    /// The credential minted with a PAT or service account; `nil` for logins.
    public var credentialUuid: String?
    public var name: String
    public var externalId: String?
    public var isActive: Bool
    public var isDeleted: Bool
    /// ``TokenDigest/of(_:)`` of the token.
    public var tokenDigest: String
    public var createdAt: Date
    public var updatedAt: Date
    public var expiresAt: Date

    public init(
        id: String, orgId: String, kind: TokenKind, userId: String, credentialUuid: String?, name: String,
        externalId: String? = nil, isActive: Bool = true, isDeleted: Bool = false, tokenDigest: String, createdAt: Date,
        updatedAt: Date? = nil, expiresAt: Date
    ) {
        self.id = id
        self.orgId = orgId
        self.kind = kind
        self.userId = userId
        self.credentialUuid = credentialUuid
        self.name = name
        self.externalId = externalId
        self.isActive = isActive
        self.isDeleted = isDeleted
        self.tokenDigest = tokenDigest
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.expiresAt = expiresAt
    }
}

/// A role ("permission" on the Dfns wire): a named set of operations.
public struct RoleRecord: Sendable, Equatable {
    /// `pm-…`.
    public var id: String
    public var orgId: String
    public var name: String
    public var operations: [String]
    /// Grants every operation, present and future (the managed full-admin role).
    public var grantsAll: Bool
    public var isImmutable: Bool
    public var isArchived: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, orgId: String, name: String, operations: [String], grantsAll: Bool = false, isImmutable: Bool = false,
        isArchived: Bool = false, createdAt: Date, updatedAt: Date? = nil
    ) {
        self.id = id
        self.orgId = orgId
        self.name = name
        self.operations = operations
        self.grantsAll = grantsAll
        self.isImmutable = isImmutable
        self.isArchived = isArchived
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    /// What the role grants.
    public var permissionSet: PermissionSet {
        grantsAll ? .all : PermissionSet(operations: operations)
    }
}

/// A role given to an identity (a user, a service account, or a PAT's token id).
public struct AssignmentRecord: Sendable, Equatable {
    /// `as-…`.
    public var id: String
    public var orgId: String
    public var permissionId: String
    public var identityId: String
    public var isImmutable: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, orgId: String, permissionId: String, identityId: String, isImmutable: Bool = false, createdAt: Date,
        updatedAt: Date? = nil
    ) {
        self.id = id
        self.orgId = orgId
        self.permissionId = permissionId
        self.identityId = identityId
        self.isImmutable = isImmutable
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }
}

/// What a challenge was issued for.
public enum ChallengePurpose: String, Sendable, Equatable {
    case login
    case userAction = "action"
    /// A new credential's attestation (`/auth/credentials/init`).
    case credential
}

/// An issued challenge, waiting for its signature.
public struct ChallengeRecord: Sendable, Equatable {
    /// `ch-…`, also the `challengeIdentifier` JWT's `jti`.
    public var id: String
    public var orgId: String
    public var purpose: ChallengePurpose
    /// The user logging in, or the caller's user.
    public var userId: String
    /// For user actions: the token the caller presented.
    public var tokenId: String?
    /// The value the signer must put in `clientData.challenge`.
    public var challenge: String
    /// The `credId`s that may answer.
    public var allowedCredentialIds: [String]
    public var httpMethod: String?
    public var httpPath: String?
    public var payload: String?
    public var createdAt: Date
    public var expiresAt: Date
    public var usedAt: Date?

    public init(
        id: String, orgId: String, purpose: ChallengePurpose, userId: String, tokenId: String?, challenge: String,
        allowedCredentialIds: [String], httpMethod: String? = nil, httpPath: String? = nil, payload: String? = nil,
        createdAt: Date, expiresAt: Date, usedAt: Date? = nil
    ) {
        self.id = id
        self.orgId = orgId
        self.purpose = purpose
        self.userId = userId
        self.tokenId = tokenId
        self.challenge = challenge
        self.allowedCredentialIds = allowedCredentialIds
        self.httpMethod = httpMethod
        self.httpPath = httpPath
        self.payload = payload
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.usedAt = usedAt
    }
}

/// A signed user action: issued by `/auth/action`, used once by the request it is bound to, then
/// kept as the audit log's evidence.
public struct UserActionRecord: Sendable, Equatable {
    /// `ua-…`, also the `userAction` JWT's `jti`.
    public var id: String
    public var orgId: String
    public var userId: String
    /// The token the caller presented (`to-…` or `uj-…`).
    public var tokenId: String
    public var tokenKind: TokenKind
    public var credentialUuid: String
    public var challengeId: String
    public var httpMethod: String
    public var httpPath: String
    public var payload: String
    /// The signed clientData, base64url.
    public var clientData: String
    /// The signature, base64url.
    public var signature: String
    public var createdAt: Date
    public var expiresAt: Date
    public var usedAt: Date?
    /// The HTTP status the action's request ended with.
    public var resultStatus: Int?

    public init(
        id: String, orgId: String, userId: String, tokenId: String, tokenKind: TokenKind, credentialUuid: String,
        challengeId: String, httpMethod: String, httpPath: String, payload: String, clientData: String, signature: String,
        createdAt: Date, expiresAt: Date, usedAt: Date? = nil, resultStatus: Int? = nil
    ) {
        self.id = id
        self.orgId = orgId
        self.userId = userId
        self.tokenId = tokenId
        self.tokenKind = tokenKind
        self.credentialUuid = credentialUuid
        self.challengeId = challengeId
        self.httpMethod = httpMethod
        self.httpPath = httpPath
        self.payload = payload
        self.clientData = clientData
        self.signature = signature
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.usedAt = usedAt
        self.resultStatus = resultStatus
    }
}
