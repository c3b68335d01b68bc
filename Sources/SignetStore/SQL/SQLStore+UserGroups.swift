package import Foundation
import SQLKit

extension SQLStore {
    package func insertUserGroup(_ group: UserGroupRecord) async throws {
        try await write(.userGroups) { try await $0.insertRow(group) }
    }

    package func userGroup(id: String) async throws -> UserGroupRecord? {
        try await read { database in
            try await database.raw("SELECT * FROM user_groups WHERE id = \(bind: id)").first(decoding: UserGroupRecord.self)
        }
    }

    package func userGroups(orgId: String, afterId: String?, limit: Int) async throws -> [UserGroupRecord] {
        try await read { database in
            var query = SQLQueryString("SELECT * FROM user_groups WHERE org_id = \(bind: orgId)")
            query.appendPage(after: afterId, limit: limit)
            return try await database.raw(query).all(decoding: UserGroupRecord.self)
        }
    }

    package func updateUserGroup(_ group: UserGroupRecord) async throws {
        try await write(.userGroups) { database in
            try await database.raw(
                """
                UPDATE user_groups SET name = \(bind: group.name), name_key = \(bind: group.nameKey),
                    description = \(bind: group.groupDescription), updated_at = \(bind: group.updatedAt.milliseconds)
                WHERE id = \(bind: group.id)
                """
            ).run()
        }
    }

    package func deleteUserGroup(id: String) async throws {
        // Three statements, all or none.
        guard transactionDatabase != nil else { return try await transaction { try await $0.deleteUserGroup(id: id) } }
        try await write(.userGroupMembers, .assignments, .userGroups) { database in
            try await database.raw("DELETE FROM user_group_members WHERE group_id = \(bind: id)").run()
            try await database.raw("DELETE FROM assignments WHERE identity_id = \(bind: id)").run()
            try await database.raw("DELETE FROM user_groups WHERE id = \(bind: id)").run()
        }
    }

    package func userGroupMemberCounts(groupIds: [String]) async throws -> [String: Int] {
        guard !groupIds.isEmpty else { return [:] }
        let rows = try await read { database in
            try await database.raw(
                """
                SELECT m.group_id, COUNT(*) AS n FROM user_group_members m JOIN users u ON u.id = m.user_id
                WHERE m.group_id IN (\(binds: groupIds)) AND u.is_deleted = FALSE GROUP BY m.group_id
                """
            ).all()
        }
        var counts: [String: Int] = [:]
        for row in rows { counts[try row.decode(column: "group_id", as: String.self)] = try row.decode(column: "n", as: Int.self) }
        return counts
    }

    package func userGroupMembers(groupId: String, afterId: String?, limit: Int) async throws -> [UserRecord] {
        try await read { database in
            var query = SQLQueryString(
                "SELECT u.* FROM user_group_members m JOIN users u ON u.id = m.user_id WHERE m.group_id = \(bind: groupId) AND u.is_deleted = FALSE"
            )
            query.appendPage(after: afterId, column: "u.id", limit: limit)
            return try await database.raw(query).all(decoding: UserRecord.self)
        }
    }

    package func addUserGroupMembers(groupId: String, userIds: [String], at date: Date) async throws {
        guard !userIds.isEmpty else { return }
        // One statement, so the users join together or not at all.
        var query = SQLQueryString("INSERT INTO user_group_members (group_id, user_id, created_at) VALUES ")
        for (index, userId) in userIds.enumerated() {
            query.appendLiteral(index == 0 ? "(" : ", (")
            query.appendInterpolation(bind: groupId)
            query.appendLiteral(", ")
            query.appendInterpolation(bind: userId)
            query.appendLiteral(", ")
            query.appendInterpolation(bind: date.milliseconds)
            query.appendLiteral(")")
        }
        query.appendLiteral(" ON CONFLICT DO NOTHING")
        try await write(.userGroupMembers) { [query] database in try await database.raw(query).run() }
    }

    package func removeUserGroupMembers(groupId: String, userIds: [String]) async throws {
        guard !userIds.isEmpty else { return }
        try await write(.userGroupMembers) { database in
            try await database.raw(
                "DELETE FROM user_group_members WHERE group_id = \(bind: groupId) AND user_id IN (\(binds: userIds))"
            ).run()
        }
    }
}
