public import Foundation

/// A user group: people given roles together. A role assigned to the group (its `id` as the
/// assignment's `identityId`) is held by every member, in addition to their own roles.
public struct UserGroup: Codable, Sendable, Equatable {
    /// `ug-…`.
    public var id: String
    public var orgId: String
    public var name: String
    public var description: String?
    /// Its live members.
    public var memberCount: Int
    public var dateCreated: Date
    public var dateUpdated: Date

    public init(
        id: String,
        orgId: String,
        name: String,
        description: String?,
        memberCount: Int,
        dateCreated: Date,
        dateUpdated: Date
    ) {
        self.id = id
        self.orgId = orgId
        self.name = name
        self.description = description
        self.memberCount = memberCount
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
    }
}

/// `POST /auth/user-groups`.
public struct CreateUserGroupRequest: Codable, Sendable, Equatable, KnownFields {
    /// 1 to 100 characters, unique in the organisation.
    public var name: String
    /// Up to 1,000 characters.
    public var description: String?

    /// The fields it accepts (its JSON keys): any other is refused (``KnownFields``).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case name, description
    }

    public init(name: String, description: String? = nil) {
        self.name = name
        self.description = description
    }
}

/// `PUT /auth/user-groups/{userGroupId}`: fields left out keep their value; a `description` of
/// `null` removes it.
public struct UpdateUserGroupRequest: Codable, Sendable, Equatable, KnownFields {
    public var name: String?
    /// `nil`: unchanged; `.some(nil)`: removed (sent as `null`).
    public var description: String??

    /// The fields it accepts (its JSON keys): any other is refused (``KnownFields``).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case name, description
    }

    public init(name: String? = nil, description: String?? = nil) {
        self.name = name
        self.description = description
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        if container.contains(.description) {
            description = .some(try container.decodeNil(forKey: .description) ? nil : try container.decode(String.self, forKey: .description))
        } else {
            description = nil
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(name, forKey: .name)
        if let description { try container.encode(description, forKey: .description) }
    }
}

/// `POST` and `DELETE /auth/user-groups/{userGroupId}/members`.
public struct UserGroupMembersRequest: Codable, Sendable, Equatable, KnownFields {
    /// 1 to 100 user ids (`us-…`) of the organisation.
    public var userIds: [String]

    /// The fields it accepts (its JSON keys): any other is refused (``KnownFields``).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case userIds
    }

    public init(userIds: [String]) {
        self.userIds = userIds
    }
}
