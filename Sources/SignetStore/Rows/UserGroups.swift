package import Foundation

/// A user group: people given roles together. A role assigned to the group (its id is the
/// assignment's identity) is held by each member, in addition to their own roles.
package struct UserGroupRecord: StoreRow, Equatable {
    /// `ug-…`.
    package var id: String
    package var orgId: String
    package var name: String
    /// The name's canonical composition (NFC): unique among an organisation's groups, so two
    /// names that look the same cannot both exist.
    package var nameKey: String
    package var groupDescription: String?
    @Milliseconds package var createdAt: Date
    @Milliseconds package var updatedAt: Date

    package init(id: String, orgId: String, name: String, description: String?, createdAt: Date, updatedAt: Date? = nil) {
        self.id = id
        self.orgId = orgId
        self.name = name
        self.nameKey = AccessTokenRecord.key(for: name)
        self.groupDescription = description
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    package static let table = StoreTable.userGroups
    package static let primaryKey = CodingKeys.id

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case orgId = "org_id"
        case name
        case nameKey = "name_key"
        case groupDescription = "description"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// One member of a user group.
package struct UserGroupMemberRow: StoreRow, Equatable {
    package var groupId: String
    package var userId: String
    @Milliseconds package var createdAt: Date

    package init(groupId: String, userId: String, createdAt: Date) {
        self.groupId = groupId
        self.userId = userId
        self.createdAt = createdAt
    }

    package static let table = StoreTable.userGroupMembers
    package static let primaryKey = CodingKeys.groupId

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case groupId = "group_id"
        case userId = "user_id"
        case createdAt = "created_at"
    }
}
