import Foundation
import SignetAPI
import SignetCore

/// What a challenge was issued for.
public enum ChallengePurpose: String, Sendable, Equatable, Codable {
    case login
    case userAction = "action"
    /// A new credential's attestation (`/auth/credentials/init`).
    case credential
}

/// An issued challenge, waiting for its signature.
public struct ChallengeRecord: StoreRow, Equatable {
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
    @JSONText public var allowedCredentialIds: [String]
    public var httpMethod: String?
    public var httpPath: String?
    public var payload: String?
    @Milliseconds public var createdAt: Date
    @Milliseconds public var expiresAt: Date
    @OptionalMilliseconds public var usedAt: Date?

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

    public static let table = StoreTable.challenges
    public static let primaryKey = CodingKeys.id

    public enum CodingKeys: String, CodingKey, CaseIterable {
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
    }
}
