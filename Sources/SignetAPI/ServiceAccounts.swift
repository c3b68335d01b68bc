/// A service account: a machine identity with its own permissions and lifecycle.
public struct ServiceAccount: Codable, Sendable, Equatable {
    public var userInfo: UserInfo
    /// Its access tokens; `accessTokens[0].accessToken` is present only in the create response.
    public var accessTokens: [AccessToken]

    public init(userInfo: UserInfo, accessTokens: [AccessToken]) {
        self.userInfo = userInfo
        self.accessTokens = accessTokens
    }
}

/// `POST /auth/service-accounts`.
public struct CreateServiceAccountRequest: Codable, Sendable, Equatable, KnownFields {
    /// A name, 1 to 100 characters, unique among the organisation's users and service accounts.
    public var name: String
    /// The PEM public key of a fresh keypair; its private key signs the account's user actions.
    public var publicKey: String
    /// A role for the account; without it the account has no permissions.
    public var permissionId: String?
    public var externalId: String?
    /// Lifetime of its token in days, 1 to 730 (default 730).
    public var daysValid: Int?

    /// The fields it accepts (its JSON keys): any other is refused (``KnownFields``).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case name, publicKey, permissionId, externalId, daysValid
    }

    public init(name: String, publicKey: String, permissionId: String? = nil, externalId: String? = nil, daysValid: Int? = nil) {
        self.name = name
        self.publicKey = publicKey
        self.permissionId = permissionId
        self.externalId = externalId
        self.daysValid = daysValid
    }
}

/// `POST /auth/service-accounts/credentials`: a new key for the calling service account.
public struct CreateServiceAccountCredentialRequest: Codable, Sendable, Equatable, KnownFields {
    /// The PEM public key of a fresh keypair (never one already registered).
    public var publicKey: String
    /// A name for the key, 1 to 100 characters (default: the account's name).
    public var name: String?

    /// The fields it accepts (its JSON keys): any other is refused (``KnownFields``).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case publicKey, name
    }

    public init(publicKey: String, name: String? = nil) {
        self.publicKey = publicKey
        self.name = name
    }
}

/// `PUT /auth/service-accounts/{id}`.
public struct UpdateServiceAccountRequest: Codable, Sendable, Equatable, KnownFields {
    public var name: String?
    public var externalId: String?

    /// The fields it accepts (its JSON keys): any other is refused (``KnownFields``).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case name, externalId
    }

    public init(name: String? = nil, externalId: String? = nil) {
        self.name = name
        self.externalId = externalId
    }
}

/// `PUT /auth/service-accounts/{id}/deactivate`.
public struct DeactivateServiceAccountRequest: Codable, Sendable, Equatable, KnownFields {
    /// Accepted for compatibility; Signet has no approval policies to bypass.
    public var force: Bool?

    /// The fields it accepts (its JSON keys): any other is refused (``KnownFields``).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case force
    }

    public init(force: Bool? = nil) { self.force = force }
}
