package import Foundation
import SignetAPI
import SignetCore

/// What a challenge was issued for.
package enum ChallengePurpose: String, Sendable, Equatable, Codable {
    case login
    case userAction = "action"
    /// A new credential's attestation (`/auth/credentials/init`).
    case credential
    /// A person's first credential, with a registration code (`/auth/registration/init`).
    case registration
    /// A person's new credential after account recovery (`/auth/recover/user/init`).
    case recovery
    /// A credential added from another device with a one-time code (`/auth/credentials/code/init`).
    case credentialCode = "credential-code"
}

/// An issued challenge, waiting for its signature.
package struct ChallengeRecord: StoreRow, Equatable {
    /// `ch-…`, also the `challengeIdentifier` JWT's `jti`.
    package var id: String
    package var orgId: String
    package var purpose: ChallengePurpose
    /// The user logging in, or the caller's user.
    package var userId: String
    /// For user actions: the token the caller presented.
    package var tokenId: String?
    /// The value the signer must put in `clientData.challenge`.
    package var challenge: String
    /// The `credId`s that may answer.
    @JSONText package var allowedCredentialIds: [String]
    package var httpMethod: String?
    package var httpPath: String?
    package var payload: String?
    @Milliseconds package var createdAt: Date
    @Milliseconds package var expiresAt: Date
    @OptionalMilliseconds package var usedAt: Date?
    /// Wrong answers so far; the challenge dies at ``maximumFailures``.
    package var failures = 0
    /// The signature count of each passkey that may answer, by its `cr-…` uuid, when the challenge
    /// was issued (JSON; ``signCountsAtIssue``).
    package var passkeyCounts = "{}"

    /// ``passkeyCounts`` read: a passkey's answer must count above its value here.
    package var signCountsAtIssue: [String: Int64] {
        get { (try? JSONDecoder().decode([String: Int64].self, from: Data(passkeyCounts.utf8))) ?? [:] }
        set { passkeyCounts = (try? JSONEncoder().encode(newValue)).map { String(decoding: $0, as: UTF8.self) } ?? "{}" }
    }

    package init(
        id: String,
        orgId: String,
        purpose: ChallengePurpose,
        userId: String,
        tokenId: String?,
        challenge: String,
        allowedCredentialIds: [String],
        httpMethod: String? = nil,
        httpPath: String? = nil,
        payload: String? = nil,
        createdAt: Date,
        expiresAt: Date,
        usedAt: Date? = nil
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

    package static let table = StoreTable.challenges
    package static let primaryKey = CodingKeys.id

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case orgId = "org_id"
        case purpose
        case userId = "user_id"
        case tokenId = "token_id"
        case challenge
        case allowedCredentialIds = "allowed_credential_ids"
        case httpMethod = "http_method"
        case httpPath = "http_path"
        case payload
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case usedAt = "used_at"
        case failures
        case passkeyCounts = "passkey_counts"
    }
}
