import Foundation
import SQLKit
package import SignetAPI
package import SignetCore

extension SQLStore {
    package func insertRole(_ role: RoleRecord) async throws {
        try await write(.roles) { try await $0.insertRow(role) }
    }

    package func role(id: String) async throws -> RoleRecord? {
        try await read { database in
            try await database.raw("SELECT * FROM roles WHERE id = \(bind: id)").first(decoding: RoleRecord.self)
        }
    }

    package func role(orgId: String, name: String) async throws -> RoleRecord? {
        try await read { database in
            try await database.raw(
                "SELECT * FROM roles WHERE org_id = \(bind: orgId) AND name = \(bind: name) ORDER BY is_archived, id"
            ).first(decoding: RoleRecord.self)
        }
    }

    package func roles(orgId: String, afterId: String?, limit: Int) async throws -> [RoleRecord] {
        try await read { database in
            var query = SQLQueryString("SELECT * FROM roles WHERE org_id = \(bind: orgId)")
            if let afterId {
                query.appendLiteral(" AND id > ")
                query.appendInterpolation(bind: afterId)
            }
            query.appendLiteral(" ORDER BY id LIMIT ")
            query.appendInterpolation(bind: limit)
            return try await database.raw(query).all(decoding: RoleRecord.self)
        }
    }

    package func updateRole(_ role: RoleRecord) async throws {
        try await write(.roles) { database in
            try await database.raw(
                """
                UPDATE roles SET name = \(bind: role.name), operations = \(bind: jsonText(role.operations)),
                    is_archived = \(bind: role.isArchived), updated_at = \(bind: role.updatedAt.milliseconds)
                WHERE id = \(bind: role.id)
                """
            ).run()
        }
    }

    package func insertAssignment(_ assignment: AssignmentRecord) async throws {
        try await write(.assignments) { try await $0.insertRow(assignment) }
    }

    package func assignment(id: String) async throws -> AssignmentRecord? {
        try await read { database in
            try await database.raw("SELECT * FROM assignments WHERE id = \(bind: id)").first(decoding: AssignmentRecord.self)
        }
    }

    package func deleteAssignment(id: String) async throws {
        try await write(.assignments) { database in
            try await database.raw("DELETE FROM assignments WHERE id = \(bind: id)").run()
        }
    }

    package func assignments(permissionId: String, afterId: String?, limit: Int) async throws -> [AssignmentRecord] {
        try await read { database in
            var query = SQLQueryString("SELECT * FROM assignments WHERE permission_id = \(bind: permissionId)")
            if let afterId {
                query.appendLiteral(" AND id > ")
                query.appendInterpolation(bind: afterId)
            }
            query.appendLiteral(" ORDER BY id LIMIT ")
            query.appendInterpolation(bind: limit)
            return try await database.raw(query).all(decoding: AssignmentRecord.self)
        }
    }

    package func assignedRoles(identityId: String) async throws -> [(AssignmentRecord, RoleRecord)] {
        try await assignedRoles(identityIds: [identityId])
    }

    /// Each identity's own assignments, then those it holds through its user groups: for these the
    /// record's `identityId` is the member's (the identity the role applies to), not the group's.
    package func assignedRoles(identityIds: [String]) async throws -> [(AssignmentRecord, RoleRecord)] {
        guard !identityIds.isEmpty else { return [] }
        let own = try await assignedRoles(joining: "", where: "a.identity_id IN (\(binds: identityIds))")
        let columns = AssignmentRecord.columns.filter { $0 != AssignmentRecord.CodingKeys.identityId.rawValue }
            .map { "a.\($0) AS a_\($0)" }.joined(separator: ", ")
        let rows = try await read { database in
            try await database.raw(
                """
                SELECT \(unsafeRaw: columns), m.user_id AS a_identity_id, r.* FROM assignments a
                JOIN roles r ON r.id = a.permission_id JOIN user_group_members m ON m.group_id = a.identity_id
                WHERE m.user_id IN (\(binds: identityIds)) ORDER BY a.created_at, a.id
                """
            ).all()
        }
        let throughGroups = try rows.map { row in
            (try row.decode(model: AssignmentRecord.self, prefix: "a_"), try row.decode(model: RoleRecord.self))
        }
        return own + throughGroups
    }

    package func tokenAssignedRoles(userId: String, kind: TokenKind) async throws -> [(AssignmentRecord, RoleRecord)] {
        try await assignedRoles(
            joining: "JOIN access_tokens t ON t.id = a.identity_id",
            where: "t.user_id = \(bind: userId) AND t.kind = \(bind: kind.rawValue) AND t.is_deleted = FALSE"
        )
    }

    /// Assignments with their roles (the assignment's columns under an `a_` prefix, the role's as they are).
    private func assignedRoles(joining join: String, where condition: SQLQueryString) async throws -> [(AssignmentRecord, RoleRecord)] {
        let assignmentColumns = AssignmentRecord.columns.map { "a.\($0) AS a_\($0)" }.joined(separator: ", ")
        var query: SQLQueryString =
            "SELECT \(unsafeRaw: assignmentColumns), r.* FROM assignments a JOIN roles r ON r.id = a.permission_id \(unsafeRaw: join) WHERE "
        query.appendInterpolation(condition)
        query.appendLiteral(" ORDER BY a.created_at, a.id")
        let rows = try await read { [query] database in try await database.raw(query).all() }
        return try rows.map { row in
            (try row.decode(model: AssignmentRecord.self, prefix: "a_"), try row.decode(model: RoleRecord.self))
        }
    }

    package func permissions(identityId: String) async throws -> PermissionSet {
        let rows = try await read { database in
            try await database.raw(
                """
                SELECT r.operations, r.grants_all FROM assignments a JOIN roles r ON r.id = a.permission_id
                WHERE r.is_archived = FALSE AND (a.identity_id = \(bind: identityId)
                    OR a.identity_id IN (SELECT group_id FROM user_group_members WHERE user_id = \(bind: identityId)))
                """
            ).all()
        }
        var result = PermissionSet.none
        for row in rows {
            let granted =
                try row.decode(column: "grants_all", as: Bool.self)
                ? PermissionSet.all : PermissionSet(operations: try row.decode(column: "operations", as: JSONText.self).wrappedValue)
            result = result.union(granted)
        }
        return result
    }

    package func fullAdministrators(orgId: String) async throws -> [String] {
        try await read { database in
            try await database.raw(
                """
                SELECT DISTINCT u.id FROM users u
                JOIN assignments a ON a.identity_id = u.id
                    OR a.identity_id IN (SELECT group_id FROM user_group_members WHERE user_id = u.id)
                JOIN roles r ON r.id = a.permission_id
                WHERE u.org_id = \(bind: orgId) AND u.is_active = TRUE AND u.is_deleted = FALSE
                    AND u.is_service_account = FALSE AND r.grants_all = TRUE AND r.is_archived = FALSE
                ORDER BY u.id
                """
            ).all().map { try $0.decode(column: "id", as: String.self) }
        }
    }

}
