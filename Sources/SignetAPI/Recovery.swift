import Foundation

/// `POST /auth/recover/user/code`: asks for a recovery code, sent through the organisation's
/// registration webhook. The answer is the same whether or not the person exists.
public struct SendRecoveryCodeRequest: Codable, Sendable, Equatable, KnownFields {
    public var username: String
    /// Optional on the wire, as the Dfns SDKs type it; Signet finds no one without it.
    public var orgId: String?
    /// Accepted and ignored (Dfns tenants; Signet has none).
    public var tenantId: String?

    /// The fields it accepts (its JSON keys): any other is refused (``KnownFields``).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case username, orgId, tenantId
    }

    public init(username: String, orgId: String?, tenantId: String? = nil) {
        self.username = username
        self.orgId = orgId
        self.tenantId = tenantId
    }
}

/// `POST /auth/recover/user/init`: the recovery code, and which recovery key will sign.
public struct CreateRecoveryChallengeRequest: Codable, Sendable, Equatable, KnownFields {
    public var username: String
    public var verificationCode: String
    /// Optional on the wire, as the Dfns SDKs type it; Signet finds no one without it.
    public var orgId: String?
    /// Accepted and ignored (Dfns tenants; Signet has none).
    public var tenantId: String?
    /// The RecoveryKey credential's `credentialId` (or its `cr-…` uuid).
    public var credentialId: String

    /// The fields it accepts (its JSON keys): any other is refused (``KnownFields``).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case username, verificationCode, orgId, tenantId, credentialId
    }

    public init(username: String, verificationCode: String, orgId: String?, tenantId: String? = nil, credentialId: String) {
        self.username = username
        self.verificationCode = verificationCode
        self.orgId = orgId
        self.tenantId = tenantId
        self.credentialId = credentialId
    }
}

/// A recovery key the person may sign the recovery with, and its private key as they stored it.
public struct AllowedRecoveryCredential: Codable, Sendable, Equatable {
    public var id: String
    /// The `encryptedPrivateKey` given when the recovery key was registered (absent if none was).
    public var encryptedRecoveryKey: String?

    public init(id: String, encryptedRecoveryKey: String?) {
        self.id = id
        self.encryptedRecoveryKey = encryptedRecoveryKey
    }
}

/// The answer of `POST /auth/recover/user/init`: a registration challenge for the new credential
/// (its `temporaryAuthenticationToken` is the bearer of `POST /auth/recover/user`), with the recovery
/// keys allowed to sign.
public struct RecoveryChallenge: Codable, Sendable, Equatable {
    public var registration: RegistrationChallenge
    public var allowedRecoveryCredentials: [AllowedRecoveryCredential]

    private enum CodingKeys: String, CodingKey {
        case allowedRecoveryCredentials
    }

    public init(registration: RegistrationChallenge, allowedRecoveryCredentials: [AllowedRecoveryCredential]) {
        self.registration = registration
        self.allowedRecoveryCredentials = allowedRecoveryCredentials
    }

    public init(from decoder: any Decoder) throws {
        registration = try RegistrationChallenge(from: decoder)
        allowedRecoveryCredentials = try decoder.container(keyedBy: CodingKeys.self).decode(
            [AllowedRecoveryCredential].self,
            forKey: .allowedRecoveryCredentials
        )
    }

    public func encode(to encoder: any Encoder) throws {
        try registration.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(allowedRecoveryCredentials, forKey: .allowedRecoveryCredentials)
    }
}

/// `POST /auth/recover/user`: the recovery key's signature over the new credentials, and the new
/// credentials themselves. The assertion's `clientData.challenge` is the base64url of the JSON of
/// `newCredentials`.
public struct RecoverRequest: Codable, Sendable, Equatable, KnownFields {
    public struct Recovery: Codable, Sendable, Equatable {
        /// `RecoveryKey`.
        public var kind: CredentialKind
        public var credentialAssertion: CredentialAssertion

        public init(kind: CredentialKind = .recoveryKey, credentialAssertion: CredentialAssertion) {
            self.kind = kind
            self.credentialAssertion = credentialAssertion
        }
    }

    public var recovery: Recovery
    public var newCredentials: RegisterRequest

    /// The fields it accepts (its JSON keys): any other is refused (``KnownFields``).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case recovery, newCredentials
    }

    public init(recovery: Recovery, newCredentials: RegisterRequest) {
        self.recovery = recovery
        self.newCredentials = newCredentials
    }
}
