import Foundation

/// `POST /auth/registration/init`: a person created by an administrator starts registering their
/// first credential with the one-time code they were given.
public struct RegistrationChallengeRequest: Codable, Sendable, Equatable, KnownFields {
    public var orgId: String
    /// The person's username (their email).
    public var username: String
    public var registrationCode: String

    /// The fields it accepts (its JSON keys): any other is refused (``KnownFields``).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case orgId, username, registrationCode
    }

    public init(orgId: String, username: String, registrationCode: String) {
        self.orgId = orgId
        self.username = username
        self.registrationCode = registrationCode
    }
}

/// The kinds of credential allowed as each factor.
public struct SupportedCredentialKinds: Codable, Sendable, Equatable {
    public var firstFactor: [CredentialKind]
    public var secondFactor: [CredentialKind]

    public init(firstFactor: [CredentialKind], secondFactor: [CredentialKind] = []) {
        self.firstFactor = firstFactor
        self.secondFactor = secondFactor
    }
}

/// The answer to `POST /auth/registration/init`: a challenge that either a passkey or a key signs,
/// and the temporary token that authenticates `POST /auth/registration`.
public struct RegistrationChallenge: Codable, Sendable, Equatable {
    public var user: CredentialChallenge.User
    /// The bearer token of `POST /auth/registration` (it is the challenge's identifier).
    public var temporaryAuthenticationToken: String
    public var challenge: String
    /// The relying party, when passkeys are configured.
    public var rp: RelyingPartyInfo?
    public var supportedCredentialKinds: SupportedCredentialKinds
    public var authenticatorSelection: AuthenticatorSelection?
    public var attestation: String
    public var pubKeyCredParams: [CredentialChallenge.PublicKeyCredentialParameter]
    public var excludeCredentials: [AllowedCredential]

    public init(
        user: CredentialChallenge.User,
        temporaryAuthenticationToken: String,
        challenge: String,
        rp: RelyingPartyInfo?,
        supportedCredentialKinds: SupportedCredentialKinds,
        authenticatorSelection: AuthenticatorSelection?,
        attestation: String,
        pubKeyCredParams: [CredentialChallenge.PublicKeyCredentialParameter],
        excludeCredentials: [AllowedCredential]
    ) {
        self.user = user
        self.temporaryAuthenticationToken = temporaryAuthenticationToken
        self.challenge = challenge
        self.rp = rp
        self.supportedCredentialKinds = supportedCredentialKinds
        self.authenticatorSelection = authenticatorSelection
        self.attestation = attestation
        self.pubKeyCredParams = pubKeyCredParams
        self.excludeCredentials = excludeCredentials
    }
}

/// A credential submitted at registration.
public struct RegistrationCredential: Codable, Sendable, Equatable {
    /// `Fido2` (a passkey) or `Key`; `RecoveryKey` as a recovery's `recoveryCredential`.
    public var credentialKind: CredentialKind
    public var credentialInfo: KeyCredentialInfo
    public var credentialName: String?
    /// A `RecoveryKey`'s private key as the client encrypted it (kept opaque).
    public var encryptedPrivateKey: String?

    public init(credentialKind: CredentialKind, credentialInfo: KeyCredentialInfo, credentialName: String? = nil, encryptedPrivateKey: String? = nil)
    {
        self.encryptedPrivateKey = encryptedPrivateKey
        self.credentialKind = credentialKind
        self.credentialInfo = credentialInfo
        self.credentialName = credentialName
    }
}

/// `POST /auth/registration` (bearer: the temporary token): registers the first credential.
public struct RegisterRequest: Codable, Sendable, Equatable, KnownFields {
    public var firstFactorCredential: RegistrationCredential
    /// Refused if sent: Signet has no second factors or recovery credentials yet.
    public var secondFactorCredential: RegistrationCredential?
    public var recoveryCredential: RegistrationCredential?

    /// The fields it accepts (its JSON keys): any other is refused (``KnownFields``).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case firstFactorCredential, secondFactorCredential, recoveryCredential
    }

    public init(firstFactorCredential: RegistrationCredential) {
        self.firstFactorCredential = firstFactorCredential
        self.secondFactorCredential = nil
        self.recoveryCredential = nil
    }
}

/// The answer to `POST /auth/registration`.
public struct RegisterResponse: Codable, Sendable, Equatable {
    public struct RegisteredCredential: Codable, Sendable, Equatable {
        public var uuid: String
        public var kind: CredentialKind
        public var name: String

        public init(uuid: String, kind: CredentialKind, name: String) {
            self.uuid = uuid
            self.kind = kind
            self.name = name
        }
    }

    public struct RegisteredUser: Codable, Sendable, Equatable {
        public var id: String
        public var username: String
        public var orgId: String

        public init(id: String, username: String, orgId: String) {
            self.id = id
            self.username = username
            self.orgId = orgId
        }
    }

    public var credential: RegisteredCredential
    public var user: RegisteredUser

    public init(credential: RegisteredCredential, user: RegisteredUser) {
        self.credential = credential
        self.user = user
    }
}

/// `PUT /auth/registration/code`: an administrator issues a person a new one-time code (the
/// previous one stops working). The way back in for someone who lost every credential.
public struct RegistrationCodeRequest: Codable, Sendable, Equatable, KnownFields {
    public var username: String
    public var orgId: String

    /// The fields it accepts (its JSON keys): any other is refused (``KnownFields``).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case username, orgId
    }

    public init(username: String, orgId: String) {
        self.username = username
        self.orgId = orgId
    }
}
