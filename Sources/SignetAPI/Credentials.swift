public import Foundation

/// A credential of the caller.
public struct Credential: Codable, Sendable, Equatable {
    public var kind: CredentialKind
    /// The `credId` signers name.
    public var credentialId: String
    /// `cr-…`.
    public var credentialUuid: String
    public var dateCreated: Date
    public var isActive: Bool
    public var name: String
    /// PEM.
    public var publicKey: String
    /// Empty for Key credentials.
    public var relyingPartyId: String
    /// Empty for Key credentials.
    public var origin: String
    /// Passkeys only (a Signet extension): BE, whether the passkey may be backed up (synced); fixed
    /// when it was made.
    public var backupEligible: Bool?
    /// Passkeys only (a Signet extension): BS, whether it was backed up at its latest use.
    public var backedUp: Bool?
    /// Passkeys only (a Signet extension): set once its signature counter went backwards (a
    /// possible clone); it was deactivated then.
    public var isFlagged: Bool?

    public init(
        kind: CredentialKind,
        credentialId: String,
        credentialUuid: String,
        dateCreated: Date,
        isActive: Bool,
        name: String,
        publicKey: String,
        relyingPartyId: String = "",
        origin: String = ""
    ) {
        self.kind = kind
        self.credentialId = credentialId
        self.credentialUuid = credentialUuid
        self.dateCreated = dateCreated
        self.isActive = isActive
        self.name = name
        self.publicKey = publicKey
        self.relyingPartyId = relyingPartyId
        self.origin = origin
    }
}

/// `POST /auth/credentials/init`.
public struct CreateCredentialChallengeRequest: Codable, Sendable, Equatable, KnownFields {
    /// `Key` (the only kind Signet verifies).
    public var kind: CredentialKind

    /// The fields it accepts (its JSON keys): any other is refused (``KnownFields``).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case kind
    }

    public init(kind: CredentialKind = .key) { self.kind = kind }
}

/// The challenge a new credential signs.
public struct CredentialChallenge: Codable, Sendable, Equatable {
    public struct User: Codable, Sendable, Equatable {
        public var id: String
        public var displayName: String
        public var name: String

        public init(id: String, displayName: String, name: String) {
            self.id = id
            self.displayName = displayName
            self.name = name
        }
    }

    public struct PublicKeyCredentialParameter: Codable, Sendable, Equatable {
        public var type: String
        /// A COSE algorithm: -7 (ES256), -8 (EdDSA), -257 (RS256).
        public var alg: Int

        public init(type: String = "public-key", alg: Int) {
            self.type = type
            self.alg = alg
        }
    }

    public var kind: CredentialKind
    public var user: User
    public var challengeIdentifier: String
    /// The value to put in `clientData.challenge` (type `key.create`).
    public var challenge: String
    public var attestation: String
    public var pubKeyCredParams: [PublicKeyCredentialParameter]
    /// Fido2: the relying party (deprecated by Dfns, still read by older clients).
    public var rp: RelyingPartyInfo?
    /// Fido2: what the authenticator must do.
    public var authenticatorSelection: AuthenticatorSelection?
    /// Fido2: the user's passkeys, which the authenticator must not register again.
    public var excludeCredentials: [AllowedCredential]?
    /// Fido2: a deprecated copy of `challengeIdentifier`, for older clients.
    public var temporaryAuthenticationToken: String?

    public init(
        kind: CredentialKind,
        user: User,
        challengeIdentifier: String,
        challenge: String,
        attestation: String = "none",
        pubKeyCredParams: [PublicKeyCredentialParameter]
    ) {
        self.kind = kind
        self.user = user
        self.challengeIdentifier = challengeIdentifier
        self.challenge = challenge
        self.attestation = attestation
        self.pubKeyCredParams = pubKeyCredParams
    }
}

/// The WebAuthn relying party, as `rp` in creation options.
public struct RelyingPartyInfo: Codable, Sendable, Equatable {
    public var id: String
    public var name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}

/// WebAuthn `authenticatorSelection`.
public struct AuthenticatorSelection: Codable, Sendable, Equatable {
    public var authenticatorAttachment: String?
    public var residentKey: String
    public var requireResidentKey: Bool
    public var userVerification: String

    public init(authenticatorAttachment: String? = nil, residentKey: String, requireResidentKey: Bool, userVerification: String) {
        self.authenticatorAttachment = authenticatorAttachment
        self.residentKey = residentKey
        self.requireResidentKey = requireResidentKey
        self.userVerification = userVerification
    }
}

/// `credentialInfo` of a new Key credential.
public struct KeyCredentialInfo: Codable, Sendable, Equatable {
    /// A unique id of the caller's choosing, base64url (16 to 128 characters).
    public var credId: String
    /// base64url of `{"type":"key.create","challenge":…}`.
    public var clientData: String
    /// base64url of `{"publicKey", "signature" (hex), "algorithm"?}`.
    public var attestationData: String

    public init(credId: String, clientData: String, attestationData: String) {
        self.credId = credId
        self.clientData = clientData
        self.attestationData = attestationData
    }
}

/// `POST /auth/credentials`.
public struct CreateCredentialRequest: Codable, Sendable, Equatable, KnownFields {
    public var credentialKind: CredentialKind
    public var credentialInfo: KeyCredentialInfo
    public var credentialName: String
    public var challengeIdentifier: String
    /// A `RecoveryKey`'s private key, encrypted by the client (Signet stores it opaque and hands it
    /// back when the person recovers their account); refused for other kinds.
    public var encryptedPrivateKey: String?

    /// The fields it accepts (its JSON keys): any other is refused (``KnownFields``).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case credentialKind, credentialInfo, credentialName, challengeIdentifier, encryptedPrivateKey
    }

    public init(
        credentialKind: CredentialKind = .key,
        credentialInfo: KeyCredentialInfo,
        credentialName: String,
        challengeIdentifier: String,
        encryptedPrivateKey: String? = nil
    ) {
        self.credentialKind = credentialKind
        self.credentialInfo = credentialInfo
        self.credentialName = credentialName
        self.challengeIdentifier = challengeIdentifier
        self.encryptedPrivateKey = encryptedPrivateKey
    }
}

/// `PUT /auth/credentials/activate` and `…/deactivate`.
public struct CredentialUuidRequest: Codable, Sendable, Equatable, KnownFields {
    public var credentialUuid: String

    /// The fields it accepts (its JSON keys): any other is refused (``KnownFields``).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case credentialUuid
    }

    public init(credentialUuid: String) { self.credentialUuid = credentialUuid }
}
