package import Foundation
package import SignetAPI
import SignetCore

/// A user: a person, or a service account (`isServiceAccount`).
package struct UserRecord: StoreRow, Equatable {
    package var id: String
    package var orgId: String
    /// The login name: the email for people, the account's name for service accounts.
    package var username: String { didSet { usernameKey = Self.key(for: username) } }
    /// What logins and the unique index compare: ``key(for:)`` of `username`, kept with it.
    package private(set) var usernameKey: String
    package var name: String
    package var kind: UserKind
    package var isActive: Bool
    package var isServiceAccount: Bool
    package var isRegistered: Bool
    package var isSSORequired: Bool
    package var externalId: String?
    /// Deleted users are kept for the audit log but can do nothing and are not listed.
    package var isDeleted: Bool
    /// Who created the user (`nil` for the first administrator).
    package var createdBy: String?
    @Milliseconds package var createdAt: Date
    @Milliseconds package var updatedAt: Date

    package init(
        id: String,
        orgId: String,
        username: String,
        name: String,
        kind: UserKind,
        isActive: Bool = true,
        isServiceAccount: Bool = false,
        isRegistered: Bool = true,
        isSSORequired: Bool = false,
        externalId: String? = nil,
        isDeleted: Bool = false,
        createdBy: String? = nil,
        createdAt: Date,
        updatedAt: Date? = nil
    ) {
        self.id = id
        self.orgId = orgId
        self.username = username
        self.usernameKey = Self.key(for: username)
        self.name = name
        self.kind = kind
        self.isActive = isActive
        self.isServiceAccount = isServiceAccount
        self.isRegistered = isRegistered
        self.isSSORequired = isSSORequired
        self.externalId = externalId
        self.isDeleted = isDeleted
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    /// Usernames are unique per organisation without regard to case.
    package static func key(for username: String) -> String { username.lowercased() }

    package static let table = StoreTable.users
    package static let primaryKey = CodingKeys.id

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case orgId = "org_id"
        case username
        case usernameKey = "username_key"
        case name
        case kind
        case isActive = "is_active"
        case isServiceAccount = "is_service_account"
        case isRegistered = "is_registered"
        case isSSORequired = "is_sso_required"
        case externalId = "external_id"
        case isDeleted = "is_deleted"
        case createdBy = "created_by"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}
