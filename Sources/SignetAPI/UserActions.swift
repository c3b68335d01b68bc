/// `POST /auth/action/init`: asks for a challenge bound to one request.
public struct CreateUserActionChallengeRequest: Codable, Sendable, Equatable {
    /// The exact JSON body the request will send (`""` or `"{}"` for none).
    public var userActionPayload: String
    /// `POST`, `PUT`, `DELETE` or `GET`.
    public var userActionHttpMethod: String
    /// The request's path, without the query.
    public var userActionHttpPath: String
    /// `Api` (the default) or `Staff`.
    public var userActionServerKind: String?

    /// Creates the request.
    public init(userActionPayload: String, userActionHttpMethod: String, userActionHttpPath: String, userActionServerKind: String? = "Api") {
        self.userActionPayload = userActionPayload
        self.userActionHttpMethod = userActionHttpMethod
        self.userActionHttpPath = userActionHttpPath
        self.userActionServerKind = userActionServerKind
    }
}

/// A challenge to sign, from `/auth/action/init` and `/auth/login/init`.
public struct UserActionChallenge: Codable, Sendable, Equatable {
    /// The value the signer puts in `clientData.challenge`.
    public var challenge: String
    /// Identifies the challenge when the signature is sent back.
    public var challengeIdentifier: String
    /// The credential kinds that may answer.
    public var supportedCredentialKinds: [SupportedCredentialKind]
    /// WebAuthn user verification requirement.
    public var userVerification: String
    /// WebAuthn attestation preference.
    public var attestation: String
    /// The credentials that may answer; a key signer refuses to sign unless its `credId` is listed.
    public var allowCredentials: AllowCredentials
    /// Unused by Signet; always empty.
    public var externalAuthenticationUrl: String

    /// Creates a challenge.
    public init(
        challenge: String,
        challengeIdentifier: String,
        supportedCredentialKinds: [SupportedCredentialKind],
        userVerification: String = "required",
        attestation: String = "none",
        allowCredentials: AllowCredentials,
        externalAuthenticationUrl: String = ""
    ) {
        self.challenge = challenge
        self.challengeIdentifier = challengeIdentifier
        self.supportedCredentialKinds = supportedCredentialKinds
        self.userVerification = userVerification
        self.attestation = attestation
        self.allowCredentials = allowCredentials
        self.externalAuthenticationUrl = externalAuthenticationUrl
    }
}

/// A credential kind that may answer a challenge.
public struct SupportedCredentialKind: Codable, Sendable, Equatable {
    /// The kind.
    public var kind: CredentialKind
    /// `first`, `second` or `either`.
    public var factor: String
    /// Whether a second factor is also needed.
    public var requiresSecondFactor: Bool

    /// Creates an entry.
    public init(kind: CredentialKind, factor: String = "first", requiresSecondFactor: Bool = false) {
        self.kind = kind
        self.factor = factor
        self.requiresSecondFactor = requiresSecondFactor
    }
}

/// The credentials that may answer a challenge, by kind.
public struct AllowCredentials: Codable, Sendable, Equatable {
    /// Key credentials.
    public var key: [AllowedCredential]
    /// WebAuthn (passkey) credentials.
    public var webauthn: [AllowedCredential]

    /// Creates the lists.
    public init(key: [AllowedCredential], webauthn: [AllowedCredential] = []) {
        self.key = key
        self.webauthn = webauthn
    }
}

/// One credential that may answer.
public struct AllowedCredential: Codable, Sendable, Equatable {
    /// Always `public-key`.
    public var type: String
    /// The credential's `credId`.
    public var id: String

    /// Creates an entry.
    public init(id: String, type: String = "public-key") {
        self.type = type
        self.id = id
    }
}

/// A signed answer to a challenge: `{kind, credentialAssertion}`.
public struct Factor: Codable, Sendable, Equatable {
    /// The credential kind that signed.
    public var kind: CredentialKind
    /// The signature and what it covers.
    public var credentialAssertion: CredentialAssertion?

    /// Creates a factor.
    public init(kind: CredentialKind, credentialAssertion: CredentialAssertion?) {
        self.kind = kind
        self.credentialAssertion = credentialAssertion
    }
}

/// The signature over `clientData` by the credential `credId`.
public struct CredentialAssertion: Codable, Sendable, Equatable {
    /// The credential's id, as listed in `allowCredentials`.
    public var credId: String
    /// base64url of the exact JSON bytes that were signed.
    public var clientData: String
    /// base64url of the signature.
    public var signature: String
    /// Optional digest hint (`SHA256`, `SHA384`, `SHA512`).
    public var algorithm: String?
    /// Fido2 only: base64url of the authenticator data the passkey signed (with `SHA-256(clientData)`).
    public var authenticatorData: String?
    /// Fido2 only: base64url of the user handle a discoverable passkey returns (the UTF-8 of the user id).
    public var userHandle: String?

    /// Creates an assertion.
    public init(
        credId: String,
        clientData: String,
        signature: String,
        algorithm: String? = nil,
        authenticatorData: String? = nil,
        userHandle: String? = nil
    ) {
        self.credId = credId
        self.clientData = clientData
        self.signature = signature
        self.algorithm = algorithm
        self.authenticatorData = authenticatorData
        self.userHandle = userHandle
    }
}

/// `POST /auth/action` and `POST /auth/login`: the signed answer to a challenge.
public struct SignedChallenge: Codable, Sendable, Equatable {
    /// The `challengeIdentifier` that was issued.
    public var challengeIdentifier: String
    /// The signature.
    public var firstFactor: Factor
    /// A second factor; Signet does not require one and ignores it.
    public var secondFactor: Factor?

    /// Creates the request.
    public init(challengeIdentifier: String, firstFactor: Factor, secondFactor: Factor? = nil) {
        self.challengeIdentifier = challengeIdentifier
        self.firstFactor = firstFactor
        self.secondFactor = secondFactor
    }
}

/// `POST /auth/action`'s answer.
public struct UserActionResponse: Codable, Sendable, Equatable {
    /// The single-use token to send as `X-DFNS-USERACTION`.
    public var userAction: String

    /// Creates the response.
    public init(userAction: String) { self.userAction = userAction }
}
