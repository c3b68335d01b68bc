import Foundation

/// A PAT or service account whose creation a policy held for approval (a Signet extension: the
/// body of a change request of kind `PersonalAccessToken` or `ServiceAccount`). Approvers see what
/// it would hold; once approved, its initiator claims it (`POST /v2/policy-approvals/{id}/claim`),
/// and only then is its token made and shown, once.
public struct HeldTokenRequest: Codable, Sendable, Equatable {
    /// `Pat` or `ServiceAccount`.
    public var tokenKind: String
    public var name: String
    public var externalId: String?
    /// The PEM public key its user actions will be signed with.
    public var publicKey: String
    /// The roles it will hold: the one asked for, or (a PAT without one) copies of its user's.
    public var permissionIds: [String]
    /// Its token's lifetime, counted from the claim.
    public var secondsValid: Int

    public init(tokenKind: String, name: String, externalId: String?, publicKey: String, permissionIds: [String], secondsValid: Int) {
        self.tokenKind = tokenKind
        self.name = name
        self.externalId = externalId
        self.publicKey = publicKey
        self.permissionIds = permissionIds
        self.secondsValid = secondsValid
    }
}

/// What a claim answers: the new PAT, or the new service account, with its token (shown once).
public indirect enum ClaimedToken: Codable, Sendable, Equatable {
    case personalAccessToken(AccessToken)
    case serviceAccount(ServiceAccount)

    public init(from decoder: any Decoder) throws {
        if let account = try? ServiceAccount(from: decoder) {
            self = .serviceAccount(account)
        } else {
            self = .personalAccessToken(try AccessToken(from: decoder))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .personalAccessToken(let token): try token.encode(to: encoder)
        case .serviceAccount(let account): try account.encode(to: encoder)
        }
    }

    /// The token to keep (shown once).
    public var accessToken: String? {
        switch self {
        case .personalAccessToken(let token): token.accessToken
        case .serviceAccount(let account): account.accessTokens.first?.accessToken
        }
    }
}
