/// The kinds of access token, as the `kind` of a token object and `app_metadata.tokenKind` name them.
public enum TokenKind: String, Sendable, Codable, CaseIterable {
    /// A login session's access token.
    case login = "Token"
    /// A personal access token.
    case pat = "Pat"
    /// A service account's access token.
    case serviceAccount = "ServiceAccount"
    /// A short-lived internal token: a challenge identifier or a user action.
    case temporary = "Temp"

    /// Whether a token of this kind may be presented as `Authorization: Bearer`.
    public var isBearer: Bool { self != .temporary }
}

/// The kinds of user.
public enum UserKind: String, Sendable, Codable, CaseIterable {
    /// A member of the organisation's staff (the kind of every administrator and service account).
    case customerEmployee = "CustomerEmployee"
    /// A customer's end user.
    case endUser = "EndUser"
}

/// The kinds of credential. Signet verifies `Key` credentials; the others are named so that a
/// request using them gets a clear refusal rather than a decoding error.
public enum CredentialKind: String, Sendable, Codable, CaseIterable {
    case key = "Key"
    case fido2 = "Fido2"
    case passwordProtectedKey = "PasswordProtectedKey"
    case recoveryKey = "RecoveryKey"
    case password = "Password"
    case totp = "Totp"
}
