public import Foundation

/// A user or service account, as `userInfo` (service accounts) and `User` (people) carry it.
public struct UserInfo: Codable, Sendable, Equatable {
    /// The login name: the email for people, the name for service accounts.
    public var username: String
    public var name: String
    /// `us-…`; also the service account's id.
    public var userId: String
    public var kind: UserKind
    /// The uuid of the user's newest active Key credential (`""` when none).
    public var credentialUuid: String
    public var orgId: String
    /// The operations the user holds through their roles.
    public var permissions: [String]?
    public var isActive: Bool
    public var isServiceAccount: Bool
    /// Whether the user has a credential to log in with.
    public var isRegistered: Bool
    public var permissionAssignments: [PermissionAssignmentInfo]
    /// The caller's own reference, if set.
    public var externalId: String?
    /// People only: always `false` (Signet has no SSO).
    public var isSSORequired: Bool?
    /// A Signet extension, only in the answer to `POST /auth/users` (and `PUT /auth/registration/code`)
    /// for a person created without a public key: the one-time code with which they register their
    /// first credential (`POST /auth/registration/init`). Shown once; Signet keeps only its digest.
    public var registrationCode: String?
    /// When `registrationCode` stops working.
    public var registrationCodeExpiresAt: Date?

    public init(
        username: String,
        name: String,
        userId: String,
        kind: UserKind,
        credentialUuid: String,
        orgId: String,
        permissions: [String]?,
        isActive: Bool,
        isServiceAccount: Bool,
        isRegistered: Bool,
        permissionAssignments: [PermissionAssignmentInfo],
        externalId: String? = nil,
        isSSORequired: Bool? = nil
    ) {
        self.username = username
        self.name = name
        self.userId = userId
        self.kind = kind
        self.credentialUuid = credentialUuid
        self.orgId = orgId
        self.permissions = permissions
        self.isActive = isActive
        self.isServiceAccount = isServiceAccount
        self.isRegistered = isRegistered
        self.permissionAssignments = permissionAssignments
        self.externalId = externalId
        self.isSSORequired = isSSORequired
    }
}

/// `GET /auth/users/{id}` and friends: a person.
public typealias User = UserInfo

/// `POST /auth/users`.
public struct CreateUserRequest: Codable, Sendable, Equatable, KnownFields {
    /// The user's email, also their username.
    public var email: String
    /// `CustomerEmployee`.
    public var kind: UserKind
    /// A PEM public key: the user gets a Key credential and can log in at once.
    public var publicKey: String?
    public var externalId: String?
    /// Must be `false` or absent: Signet has no SSO.
    public var isSSORequired: Bool?

    /// The fields it accepts (its JSON keys): any other is refused (``KnownFields``).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case email, kind, publicKey, externalId, isSSORequired
    }

    public init(email: String, kind: UserKind = .customerEmployee, publicKey: String? = nil, externalId: String? = nil) {
        self.email = email
        self.kind = kind
        self.publicKey = publicKey
        self.externalId = externalId
    }
}

/// `PUT /auth/users/{id}`.
public struct UpdateUserRequest: Codable, Sendable, Equatable, KnownFields {
    public var isSSORequired: Bool

    /// The fields it accepts (its JSON keys): any other is refused (``KnownFields``).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case isSSORequired
    }

    public init(isSSORequired: Bool) { self.isSSORequired = isSSORequired }
}
