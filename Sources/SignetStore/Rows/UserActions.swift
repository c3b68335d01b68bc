package import Foundation
package import SignetAPI
import SignetCore

/// A signed user action: issued by `/auth/action`, used once by the request it is bound to, then
/// kept as the audit log's evidence.
package struct UserActionRecord: StoreRow, Equatable {
    /// `ua-…`, also the `userAction` JWT's `jti`.
    package var id: String
    package var orgId: String
    package var userId: String
    /// The token the caller presented (`to-…` or `uj-…`).
    package var tokenId: String
    package var tokenKind: TokenKind
    package var credentialUuid: String
    package var challengeId: String
    package var httpMethod: String
    package var httpPath: String
    package var payload: String
    /// The signed clientData, base64url.
    package var clientData: String
    /// The signature, base64url.
    package var signature: String
    /// For a passkey: the authenticator data it signed, base64url ("" for keys).
    package var authenticatorData = ""
    /// Where the action may be used: `signet` (Signet's own routes), `upstream:<name>` (a gateway
    /// route to that upstream) or `verifier` (an API that checks it with `POST /auth/action/verify`).
    package var audience = "signet"
    @Milliseconds package var createdAt: Date
    @Milliseconds package var expiresAt: Date
    @OptionalMilliseconds package var usedAt: Date?
    /// The HTTP status the action's request ended with.
    package var resultStatus: Int?
    /// What its request did beyond its status, when the status alone does not say (a change held
    /// for approval, an approval settled and its change applied): noted after the request ran.
    package var outcome: String?
    /// Its place in its organisation's audit chain, once used (``SQLStore/chained(_:)``).
    package var chainIndex: Int64?
    /// The hash of the record before it in the chain.
    package var chainPrevious: String?
    /// Its own hash (`AuditChain.Entry.hash`).
    package var chainHash: String?

    package init(
        id: String,
        orgId: String,
        userId: String,
        tokenId: String,
        tokenKind: TokenKind,
        credentialUuid: String,
        challengeId: String,
        httpMethod: String,
        httpPath: String,
        payload: String,
        clientData: String,
        signature: String,
        createdAt: Date,
        expiresAt: Date,
        usedAt: Date? = nil,
        resultStatus: Int? = nil
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

    package static let table = StoreTable.userActions
    package static let primaryKey = CodingKeys.id

    package enum CodingKeys: String, CodingKey, CaseIterable {
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
        case authenticatorData = "authenticator_data"
        case audience
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case usedAt = "used_at"
        case resultStatus = "result_status"
        case outcome
        case chainIndex = "chain_index"
        case chainPrevious = "chain_previous"
        case chainHash = "chain_hash"
    }
}
