public import Foundation

/// One completed user action: who did what, through which token, signed by which credential.
public struct AuditLog: Codable, Sendable, Equatable {
    /// The credential that signed, and its signature (the evidence).
    public struct FirstFactorCredential: Codable, Sendable, Equatable {
        public struct Assertion: Codable, Sendable, Equatable {
            public var authenticatorData: String?
            /// base64url of the exact bytes that were signed.
            public var clientData: String
            /// base64url of the signature.
            public var signature: String

            public init(authenticatorData: String? = nil, clientData: String, signature: String) {
                self.authenticatorData = authenticatorData
                self.clientData = clientData
                self.signature = signature
            }
        }

        /// The credential's `credId`.
        public var id: String
        public var credentialUuid: String
        public var kind: CredentialKind?
        public var publicKey: String
        public var assertion: Assertion?

        public init(id: String, credentialUuid: String, kind: CredentialKind?, publicKey: String, assertion: Assertion?) {
            self.id = id
            self.credentialUuid = credentialUuid
            self.kind = kind
            self.publicKey = publicKey
            self.assertion = assertion
        }
    }

    /// `ua-…`.
    public var id: String
    /// `METHOD /path`.
    public var action: String
    /// The id of the user action token that was used.
    public var actionToken: String
    /// The user the action is attributed to (a PAT's user, a service account's own id).
    public var userId: String?
    public var username: String?
    /// The token it came through: a PAT or service-account token (`to-…`) or a login session (`uj-…`).
    public var tokenId: String
    public var tokenKind: TokenKind
    public var httpMethod: String
    public var httpPath: String
    /// Hex SHA-256 of the signed payload.
    public var payloadDigest: String
    /// When the request ran.
    public var datePerformed: Date?
    /// When the challenge was signed.
    public var dateSigned: Date
    /// The HTTP status the request ended with.
    public var responseStatus: Int?
    public var firstFactorCredential: FirstFactorCredential
    /// What the request did beyond its status, when the status alone does not say (a Signet
    /// extension): `held for approval ap-…`, `approval ap-… Approved: change Applied`, `claimed …`.
    /// Noted after the request ran, like the status; not covered by the audit chain's hashes.
    public var outcome: String?

    public init(
        id: String,
        action: String,
        actionToken: String,
        userId: String?,
        username: String?,
        tokenId: String,
        tokenKind: TokenKind,
        httpMethod: String,
        httpPath: String,
        payloadDigest: String,
        datePerformed: Date?,
        dateSigned: Date,
        responseStatus: Int?,
        firstFactorCredential: FirstFactorCredential,
        outcome: String? = nil
    ) {
        self.id = id
        self.action = action
        self.actionToken = actionToken
        self.userId = userId
        self.username = username
        self.tokenId = tokenId
        self.tokenKind = tokenKind
        self.httpMethod = httpMethod
        self.httpPath = httpPath
        self.payloadDigest = payloadDigest
        self.datePerformed = datePerformed
        self.dateSigned = dateSigned
        self.responseStatus = responseStatus
        self.firstFactorCredential = firstFactorCredential
        self.outcome = outcome
    }
}
