public import Foundation

/// A role assigned to an identity, as listed on tokens and users.
public struct PermissionAssignmentInfo: Codable, Sendable, Equatable {
    /// The role's name.
    public var permissionName: String
    /// The role's id (`pm-…`).
    public var permissionId: String
    /// The assignment's id (`as-…`).
    public var assignmentId: String
    /// The operations the role grants.
    public var operations: [String]?
    /// Signet only, in explanations: the user group (`ug-…`) the role is assigned to, when the
    /// identity holds it as a member; absent for the identity's own assignments.
    public var userGroupId: String?

    /// Creates an entry.
    public init(permissionName: String, permissionId: String, assignmentId: String, operations: [String]?, userGroupId: String? = nil) {
        self.permissionName = permissionName
        self.permissionId = permissionId
        self.assignmentId = assignmentId
        self.operations = operations
        self.userGroupId = userGroupId
    }
}

/// A personal access token or a service account's token.
public struct AccessToken: Codable, Sendable, Equatable {
    /// The bearer token; present only in the response that created it.
    public var accessToken: String?
    /// When it was created.
    public var dateCreated: Date
    /// The id of its Key credential, which signs its user actions.
    public var credId: String
    /// Whether it may be used.
    public var isActive: Bool
    /// `Pat` or `ServiceAccount`.
    public var kind: TokenKind
    /// The user it acts for.
    public var linkedUserId: String
    /// Deprecated Dfns applications; always empty.
    public var linkedAppId: String
    /// Its name.
    public var name: String
    /// The organisation.
    public var orgId: String
    /// The roles assigned to the token itself.
    public var permissionAssignments: [PermissionAssignmentInfo]
    /// The public key of its credential, PEM.
    public var publicKey: String
    /// Its id (`to-…`), also the token's `jti`.
    public var tokenId: String
    /// The caller's own reference, if set.
    public var externalId: String?
    /// When it stops working (Signet's addition; a token created without an expiry lives the
    /// server's longest lifetime, 730 days by default).
    public var dateExpires: Date?
    /// When it was last presented (Signet's addition), absent when never. Recorded at most once a
    /// minute per token and node, and a list may show it up to the server's cache lifetime late.
    public var dateLastUsed: Date?
    /// The last clients that presented it (Signet's addition), most recent first, up to five:
    /// absent when it was never used since they began to be kept.
    public var lastUsedBy: [TokenClient]?

    /// Creates a token object.
    public init(
        accessToken: String? = nil,
        dateCreated: Date,
        credId: String,
        isActive: Bool,
        kind: TokenKind,
        linkedUserId: String,
        linkedAppId: String = "",
        name: String,
        orgId: String,
        permissionAssignments: [PermissionAssignmentInfo],
        publicKey: String,
        tokenId: String,
        externalId: String? = nil,
        dateExpires: Date? = nil,
        dateLastUsed: Date? = nil,
        lastUsedBy: [TokenClient]? = nil
    ) {
        self.dateExpires = dateExpires
        self.dateLastUsed = dateLastUsed
        self.lastUsedBy = lastUsedBy
        self.accessToken = accessToken
        self.dateCreated = dateCreated
        self.credId = credId
        self.isActive = isActive
        self.kind = kind
        self.linkedUserId = linkedUserId
        self.linkedAppId = linkedAppId
        self.name = name
        self.orgId = orgId
        self.permissionAssignments = permissionAssignments
        self.publicKey = publicKey
        self.tokenId = tokenId
        self.externalId = externalId
    }
}

/// A client that presented a token: its address (as the server's `--trusted-proxy` rule decides
/// it), its `User-Agent`, and when that pair last presented it.
public struct TokenClient: Codable, Sendable, Equatable {
    /// The client's IP address; absent when the server could not tell.
    public var address: String?
    /// The `User-Agent` it sent (at most 200 characters); absent when none.
    public var userAgent: String?
    /// When this client last presented the token (recorded at most once a minute per node).
    public var dateLastUsed: Date

    /// Creates a client entry.
    public init(address: String?, userAgent: String?, dateLastUsed: Date) {
        self.address = address
        self.userAgent = userAgent
        self.dateLastUsed = dateLastUsed
    }
}

/// `POST /auth/pats`.
public struct CreatePersonalAccessTokenRequest: Codable, Sendable, Equatable, KnownFields {
    /// A name, 1 to 100 characters, unique among the user's tokens.
    public var name: String
    /// The PEM public key of a fresh keypair; its private key signs the token's user actions.
    public var publicKey: String
    /// A role to restrict the token to; without it the token has the caller's roles at creation.
    public var permissionId: String?
    /// The caller's own reference.
    public var externalId: String?
    /// Lifetime in days, 1 to 730.
    public var daysValid: Int?
    /// Lifetime in seconds; wins over `daysValid`.
    public var secondsValid: Int?

    /// The fields it accepts (its JSON keys): any other is refused (``KnownFields``).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case name, publicKey, permissionId, externalId, daysValid, secondsValid
    }

    /// Creates the request.
    public init(
        name: String,
        publicKey: String,
        permissionId: String? = nil,
        externalId: String? = nil,
        daysValid: Int? = nil,
        secondsValid: Int? = nil
    ) {
        self.name = name
        self.publicKey = publicKey
        self.permissionId = permissionId
        self.externalId = externalId
        self.daysValid = daysValid
        self.secondsValid = secondsValid
    }
}

/// `PUT /auth/pats/{tokenId}`.
public struct UpdatePersonalAccessTokenRequest: Codable, Sendable, Equatable, KnownFields {
    /// A new name.
    public var name: String?
    /// A new external reference.
    public var externalId: String?

    /// The fields it accepts (its JSON keys): any other is refused (``KnownFields``).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case name, externalId
    }

    /// Creates the request.
    public init(name: String? = nil, externalId: String? = nil) {
        self.name = name
        self.externalId = externalId
    }
}
