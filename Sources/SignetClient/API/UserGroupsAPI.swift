import Foundation
public import SignetAPI

/// `/auth/user-groups`: people given roles together. Give a role to a group with
/// ``PermissionsAPI/assign(_:to:)`` and the group's id.
public struct UserGroupsAPI: Sendable {
    let transport: Transport

    public func list(limit: Int? = nil, paginationToken: String? = nil) async throws -> ListResponse<UserGroup> {
        try await transport.send(Endpoints.listUserGroups, query: [("limit", limit.map(String.init)), ("paginationToken", paginationToken)])
    }

    public func create(_ request: CreateUserGroupRequest) async throws -> UserGroup {
        try await transport.send(Endpoints.createUserGroup, body: request)
    }

    public func get(_ userGroupId: String) async throws -> UserGroup {
        try await transport.send(Endpoints.getUserGroup, userGroupId)
    }

    /// Renames the group or changes its description (fields left `nil` keep their value).
    public func update(_ userGroupId: String, _ request: UpdateUserGroupRequest) async throws -> UserGroup {
        try await transport.send(Endpoints.updateUserGroup, userGroupId, body: request)
    }

    /// Deletes the group; its members lose its roles on their next request.
    public func delete(_ userGroupId: String) async throws {
        _ = try await transport.send(Endpoints.deleteUserGroup, userGroupId)
    }

    public func members(_ userGroupId: String, limit: Int? = nil, paginationToken: String? = nil) async throws -> ListResponse<UserInfo> {
        try await transport.send(
            Endpoints.listUserGroupMembers,
            userGroupId,
            query: [("limit", limit.map(String.init)), ("paginationToken", paginationToken)]
        )
    }

    /// Adds people (`us-…`); they hold the group's roles from their next request.
    public func addMembers(_ userGroupId: String, userIds: [String]) async throws {
        _ = try await transport.send(Endpoints.addUserGroupMembers, userGroupId, body: UserGroupMembersRequest(userIds: userIds))
    }

    public func removeMembers(_ userGroupId: String, userIds: [String]) async throws {
        _ = try await transport.send(Endpoints.removeUserGroupMembers, userGroupId, body: UserGroupMembersRequest(userIds: userIds))
    }
}
