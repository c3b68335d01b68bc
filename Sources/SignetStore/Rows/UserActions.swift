import Foundation
import SignetAPI
import SignetCore

/// A signed user action: issued by `/auth/action`, used once by the request it is bound to, then
/// kept as the audit log's evidence.
public struct UserActionRecord: StoreRow, Equatable {
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
    @Milliseconds public var createdAt: Date
    @Milliseconds public var expiresAt: Date
    @OptionalMilliseconds public var usedAt: Date?
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

    public static let table = StoreTable.userActions
    public static let primaryKey = CodingKeys.id

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case orgId = "org_id"
        case userId = "user_id"
        case tokenId = "token_id"
        case tokenKind = "token_kind"
        case credentialUuid = "credential_uuid"
        case challengeId = "challenge_id"
        case httpMethod = "http_method"
        case httpPath = "http_path"
        case payload
        case clientData = "client_data"
        case signature
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case usedAt = "used_at"
        case resultStatus = "result_status"
    }
}
