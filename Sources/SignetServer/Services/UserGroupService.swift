import Foundation
import SignetAPI
import SignetCore
import SignetStore

/// User groups: people given roles together. A member holds the group's roles on their next
/// request, on every node (the group tables announce an authorization change). Joining a group
/// grants its roles, so adding members is bounded like assigning a role: the caller must hold
/// everything the group's roles grant. Removing members and deleting a group keep an active full
/// administrator, like revoking a role.
struct UserGroupService: Sendable {
    let store: any SignetStore
    let guardrails: AdminGuard
    let users: UserPresenter
    /// Joining or leaving a group assigns or revokes its roles: refused when a policy covers one.
    let policies: PolicyGate
    /// The current time (injectable, so tests can move it instead of sleeping).
    let now: @Sendable () -> Date

    /// The most users one request adds or removes.
    static let maximumMembersPerRequest = 100
    /// The longest description, in characters (and four times that in bytes).
    static let maximumDescriptionLength = 1000

    func list(_ pagination: Pagination, caller: Caller) async throws -> ListResponse<UserGroup> {
        let groups = try await store.userGroups(orgId: caller.orgId, afterId: pagination.afterId, limit: pagination.fetchLimit)
        let page = pagination.page(groups, id: \.id)
        return ListResponse(items: try await present(page.items), nextPageToken: page.nextPageToken)
    }

    func get(_ id: String, caller: Caller) async throws -> UserGroup {
        try await present(try await group(id, caller: caller))
    }

    func create(_ request: CreateUserGroupRequest, caller: Caller) async throws -> UserGroup {
        let group = UserGroupRecord(
            id: Identifier.make(.userGroup),
            orgId: caller.orgId,
            name: try Validate.name(request.name),
            description: try Self.description(request.description),
            createdAt: now()
        )
        try await nameTakenIsConflict(group.name) { try await store.insertUserGroup(group) }
        return try await present(group)
    }

    func update(_ id: String, _ request: UpdateUserGroupRequest, caller: Caller) async throws -> UserGroup {
        var group = try await group(id, caller: caller)
        if let name = request.name {
            group.name = try Validate.name(name)
            group.nameKey = AccessTokenRecord.key(for: group.name)
        }
        if let description = request.description { group.groupDescription = try Self.description(description) }
        group.updatedAt = now()
        try await nameTakenIsConflict(group.name) { [group] in try await store.updateUserGroup(group) }
        return try await present(group)
    }

    /// Deletes the group, its memberships and the assignments of roles to it.
    func delete(_ id: String, caller: Caller) async throws -> EmptyResponse {
        let group = try await group(id, caller: caller)
        try await guardrails.keepingAnAdministrator(orgId: caller.orgId, reason: "deleting user group \(group.id)") { store in
            try await store.lock(Self.lockKey(group.id))
            try await requireUngoverned(group, what: "deleting user group \(group.id)", store: store)
            try await store.deleteUserGroup(id: group.id)
        }
        return EmptyResponse()
    }

    /// The members as `GET /auth/users` shows users, so the caller needs `Auth:Users:Read` too.
    func members(_ id: String, _ pagination: Pagination, caller: Caller) async throws -> ListResponse<UserInfo> {
        try await guardrails.permissions.require(.usersRead, for: caller)
        let group = try await group(id, caller: caller)
        let members = try await store.userGroupMembers(groupId: group.id, afterId: pagination.afterId, limit: pagination.fetchLimit)
        let page = pagination.page(members, id: \.id)
        return ListResponse(items: try await users.present(page.items), nextPageToken: page.nextPageToken)
    }

    /// Adds people (not service accounts) of the organisation; members already there stay. The
    /// caller must hold what every role of the group grants, archived ones included (restoring one
    /// must not hand its operations to whoever joined meanwhile). The check and the insert hold the
    /// group's lock, which role assignments to the group and its deletion take too.
    func add(_ id: String, _ request: UserGroupMembersRequest, caller: Caller) async throws -> EmptyResponse {
        let group = try await group(id, caller: caller)
        try await store.transaction { store in
            try await store.lock(Self.lockKey(group.id))
            guard try await store.userGroup(id: group.id) != nil else { throw APIError.notFound("user group \(group.id) not found") }
            let granted = try await store.assignedRoles(identityId: group.id).reduce(PermissionSet.none) { $0.union($1.1.permissionSet) }
            try await guardrails.requireCanGrant(granted, caller: caller, what: "the roles of user group \(group.id)")
            try await requireUngoverned(group, what: "adding members to user group \(group.id)", store: store)
            let userIds = try await Self.people(request.userIds, orgId: caller.orgId, store: store)
            try await store.addUserGroupMembers(groupId: group.id, userIds: userIds, at: now())
        }
        return EmptyResponse()
    }

    /// The lock that serialises changes of what a group grants and who is in it.
    static func lockKey(_ groupId: String) -> String { "user-group:\(groupId)" }

    /// Removes members; ids of users who are not members are ignored.
    func remove(_ id: String, _ request: UserGroupMembersRequest, caller: Caller) async throws -> EmptyResponse {
        let group = try await group(id, caller: caller)
        let userIds = try Self.userIds(request.userIds)
        try await guardrails.keepingAnAdministrator(orgId: caller.orgId, reason: "removing members from user group \(group.id)") { store in
            try await store.lock(Self.lockKey(group.id))
            try await requireUngoverned(group, what: "removing members from user group \(group.id)", store: store)
            try await store.removeUserGroupMembers(groupId: group.id, userIds: userIds)
        }
        return EmptyResponse()
    }

    /// Refuses a change of membership when a policy covers assigning one of the group's roles.
    private func requireUngoverned(_ group: UserGroupRecord, what: String, store: any SignetStore) async throws {
        let roles = try await store.assignedRoles(identityId: group.id).map(\.1.id)
        try await policies.requireNoneCovered(permissionIds: roles, orgId: group.orgId, what: what, store: store)
    }

    private func group(_ id: String, caller: Caller) async throws -> UserGroupRecord {
        guard Identifier.isWellFormed(id, prefix: .userGroup), let group = try await store.userGroup(id: id),
            ExactText.equals(group.orgId, caller.orgId)
        else { throw APIError.notFound("user group \(TextRules.escaped(id)) not found") }
        return group
    }

    /// Well-formed, deduplicated user ids, 1 to ``maximumMembersPerRequest``.
    private static func userIds(_ ids: [String]) throws -> [String] {
        guard (1...maximumMembersPerRequest).contains(ids.count) else {
            throw APIError.invalid("userIds", "field 'userIds' must list 1 to \(maximumMembersPerRequest) user ids")
        }
        for id in ids where !Identifier.isWellFormed(id, prefix: .user) {
            throw APIError.invalid("userIds", "'\(TextRules.escaped(id))' is not a user id (us-…)")
        }
        var seen = Set<String>()
        return ids.filter { seen.insert($0).inserted }
    }

    /// The ids, each a live person of the organisation.
    private static func people(_ ids: [String], orgId: String, store: any SignetStore) async throws -> [String] {
        let ids = try userIds(ids)
        let found = Dictionary(uniqueKeysWithValues: try await store.users(ids: ids).map { ($0.id, $0) })
        for id in ids {
            guard let user = found[id], ExactText.equals(user.orgId, orgId), !user.isDeleted else {
                throw APIError.notFound("user \(id) not found")
            }
            guard !user.isServiceAccount else {
                throw APIError.badRequest("\(id) is a service account; user groups hold people, and a service account's roles are its own")
            }
        }
        return ids
    }

    private func nameTakenIsConflict(_ name: String, _ write: @Sendable () async throws -> Void) async throws {
        do {
            try await write()
        } catch StoreError.conflict {
            throw APIError.conflict("a user group named '\(TextRules.escaped(name))' already exists", details: ["duplicate": "name"])
        }
    }

    private static func description(_ value: String?) throws -> String? {
        guard let value else { return nil }
        try Validate.text(value, field: "description", maximumCharacters: maximumDescriptionLength, maximumBytes: 4 * maximumDescriptionLength)
        return value
    }

    private func present(_ group: UserGroupRecord) async throws -> UserGroup {
        try await present([group])[0]
    }

    private func present(_ groups: [UserGroupRecord]) async throws -> [UserGroup] {
        let counts = try await store.userGroupMemberCounts(groupIds: groups.map(\.id))
        return groups.map { group in
            UserGroup(
                id: group.id,
                orgId: group.orgId,
                name: group.name,
                description: group.groupDescription,
                memberCount: counts[group.id] ?? 0,
                dateCreated: group.createdAt,
                dateUpdated: group.updatedAt
            )
        }
    }
}
