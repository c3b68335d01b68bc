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
            query.appendPage(after: afterId, limit: limit)
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
            query.appendPage(after: afterId, limit: limit)
            return try await database.raw(query).all(decoding: AssignmentRecord.self)
        }
    }

    package func assignedRoles(identityId: String) async throws -> [(AssignmentRecord, RoleRecord)] {
        try await assignedRoles(joining: "", where: "a.identity_id = \(bind: identityId)")
    }

    package func assignedRoles(identityIds: [String]) async throws -> [(AssignmentRecord, RoleRecord)] {
        guard !identityIds.isEmpty else { return [] }
        return try await assignedRoles(joining: "", where: "a.identity_id IN (\(binds: identityIds))")
    }

    package func groupAssignedRoles(userIds: [String]) async throws -> [(userId: String, assignment: AssignmentRecord, role: RoleRecord)] {
        guard !userIds.isEmpty else { return [] }
        let rows = try await read { database in
            try await database.raw(
                """
                SELECT m.user_id AS member_id, \(unsafeRaw: Self.assignmentColumns), r.* FROM user_group_members m
                JOIN assignments a ON a.identity_id = m.group_id JOIN roles r ON r.id = a.permission_id
                WHERE m.user_id IN (\(binds: userIds)) ORDER BY a.created_at, a.id
                """
            ).all()
        }
        return try rows.map { row in
            (
                try row.decode(column: "member_id", as: String.self), try row.decode(model: AssignmentRecord.self, prefix: "a_"),
                try row.decode(model: RoleRecord.self)
            )
        }
    }

    package func tokenAssignedRoles(userId: String, kind: TokenKind) async throws -> [(AssignmentRecord, RoleRecord)] {
        try await assignedRoles(
            joining: "JOIN access_tokens t ON t.id = a.identity_id",
            where: "t.user_id = \(bind: userId) AND t.kind = \(bind: kind.rawValue) AND t.is_deleted = FALSE"
        )
    }

    /// Assignments with their roles (the assignment's columns under an `a_` prefix, the role's as they are).
    private static let assignmentColumns = AssignmentRecord.columns.map { "a.\($0) AS a_\($0)" }.joined(separator: ", ")

    private func assignedRoles(joining join: String, where condition: SQLQueryString) async throws -> [(AssignmentRecord, RoleRecord)] {
        var query: SQLQueryString =
            "SELECT \(unsafeRaw: Self.assignmentColumns), r.* FROM assignments a JOIN roles r ON r.id = a.permission_id \(unsafeRaw: join) WHERE "
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
                WHERE r.is_archived = FALSE AND a.identity_id IN (
                    SELECT \(bind: identityId) UNION ALL SELECT group_id FROM user_group_members WHERE user_id = \(bind: identityId))
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
        // Two branches (the role held directly, or through a user group) so that each is a plain join.
        return try await read { database in
            try await database.raw(
                """
                SELECT u.id AS id FROM users u JOIN assignments a ON a.identity_id = u.id JOIN roles r ON r.id = a.permission_id
                WHERE u.org_id = \(bind: orgId) AND u.is_active = TRUE AND u.is_deleted = FALSE
                    AND u.is_service_account = FALSE AND r.grants_all = TRUE AND r.is_archived = FALSE
                UNION
                SELECT u.id AS id FROM users u JOIN user_group_members m ON m.user_id = u.id
                JOIN assignments a ON a.identity_id = m.group_id JOIN roles r ON r.id = a.permission_id
                WHERE u.org_id = \(bind: orgId) AND u.is_active = TRUE AND u.is_deleted = FALSE
                    AND u.is_service_account = FALSE AND r.grants_all = TRUE AND r.is_archived = FALSE
                ORDER BY id
                """
            ).all().map { try $0.decode(column: "id", as: String.self) }
        }
    }

}
