import Foundation
import SQLKit
import SignetCore

extension SQLStore {
    public func insertRole(_ role: RoleRecord) async throws {
        try await write(.roles) { database in
            try await database.raw(
                """
                INSERT INTO roles (id, org_id, name, operations, grants_all, is_immutable, is_archived, created_at, updated_at)
                VALUES (\(bind: role.id), \(bind: role.orgId), \(bind: role.name), \(bind: jsonText(role.operations)),
                    \(bind: role.grantsAll), \(bind: role.isImmutable), \(bind: role.isArchived),
                    \(bind: role.createdAt.milliseconds), \(bind: role.updatedAt.milliseconds))
                """
            ).run()
        }
    }

    public func role(id: String) async throws -> RoleRecord? {
        try await read { database in
            try await database.raw("SELECT * FROM roles WHERE id = \(bind: id)").first().map(Self.role(from:))
        }
    }

    public func role(orgId: String, name: String) async throws -> RoleRecord? {
        try await read { database in
            try await database.raw(
                "SELECT * FROM roles WHERE org_id = \(bind: orgId) AND name = \(bind: name) ORDER BY is_archived, id"
            ).first().map(Self.role(from:))
        }
    }

    public func roles(orgId: String, afterId: String?, limit: Int) async throws -> [RoleRecord] {
        try await read { database in
            var query = SQLQueryString("SELECT * FROM roles WHERE org_id = \(bind: orgId)")
            if let afterId { query.appendLiteral(" AND id > "); query.appendInterpolation(bind: afterId) }
            query.appendLiteral(" ORDER BY id LIMIT ")
            query.appendInterpolation(bind: limit)
            return try await database.raw(query).all().map(Self.role(from:))
        }
    }

    public func updateRole(_ role: RoleRecord) async throws {
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

    public func insertAssignment(_ assignment: AssignmentRecord) async throws {
        try await write(.assignments) { database in
            try await database.raw(
                """
                INSERT INTO assignments (id, org_id, permission_id, identity_id, is_immutable, created_at, updated_at)
                VALUES (\(bind: assignment.id), \(bind: assignment.orgId), \(bind: assignment.permissionId),
                    \(bind: assignment.identityId), \(bind: assignment.isImmutable), \(bind: assignment.createdAt.milliseconds),
                    \(bind: assignment.updatedAt.milliseconds))
                """
            ).run()
        }
    }

    public func assignment(id: String) async throws -> AssignmentRecord? {
        try await read { database in
            try await database.raw("SELECT * FROM assignments WHERE id = \(bind: id)").first().map(Self.assignment(from:))
        }
    }

    public func deleteAssignment(id: String) async throws {
        try await write(.assignments) { database in
            try await database.raw("DELETE FROM assignments WHERE id = \(bind: id)").run()
        }
    }

    public func assignments(permissionId: String, afterId: String?, limit: Int) async throws -> [AssignmentRecord] {
        try await read { database in
            var query = SQLQueryString("SELECT * FROM assignments WHERE permission_id = \(bind: permissionId)")
            if let afterId { query.appendLiteral(" AND id > "); query.appendInterpolation(bind: afterId) }
            query.appendLiteral(" ORDER BY id LIMIT ")
            query.appendInterpolation(bind: limit)
            return try await database.raw(query).all().map(Self.assignment(from:))
        }
    }

    public func assignedRoles(identityId: String) async throws -> [(AssignmentRecord, RoleRecord)] {
        let rows = try await read { database in
            try await database.raw(
                """
                SELECT a.id AS a_id, a.org_id AS a_org_id, a.permission_id AS a_permission_id,
                    a.identity_id AS a_identity_id, a.is_immutable AS a_is_immutable, a.created_at AS a_created_at,
                    a.updated_at AS a_updated_at, r.*
                FROM assignments a JOIN roles r ON r.id = a.permission_id
                WHERE a.identity_id = \(bind: identityId)
                ORDER BY a.created_at, a.id
                """
            ).all()
        }
        return try rows.map { row in
            let assignment = AssignmentRecord(
                id: try row.string("a_id"), orgId: try row.string("a_org_id"), permissionId: try row.string("a_permission_id"),
                identityId: try row.string("a_identity_id"), isImmutable: try row.bool("a_is_immutable"),
                createdAt: try row.date("a_created_at"), updatedAt: try row.date("a_updated_at"))
            return (assignment, try Self.role(from: row))
        }
    }

    public func permissions(identityId: String) async throws -> PermissionSet {
        let rows = try await read { database in
            try await database.raw(
                """
                SELECT r.operations, r.grants_all FROM assignments a JOIN roles r ON r.id = a.permission_id
                WHERE a.identity_id = \(bind: identityId) AND r.is_archived = FALSE
                """
            ).all()
        }
        var result = PermissionSet.none
        for row in rows {
            let granted = try row.bool("grants_all") ? PermissionSet.all : PermissionSet(operations: try row.stringArray("operations"))
            result = result.union(granted)
        }
        return result
    }

    public func fullAdministrators(orgId: String) async throws -> [String] {
        try await read { database in
            try await database.raw(
                """
                SELECT DISTINCT u.id FROM users u
                JOIN assignments a ON a.identity_id = u.id
                JOIN roles r ON r.id = a.permission_id
                WHERE u.org_id = \(bind: orgId) AND u.is_active = TRUE AND u.is_deleted = FALSE
                    AND u.is_service_account = FALSE AND r.grants_all = TRUE AND r.is_archived = FALSE
                ORDER BY u.id
                """
            ).all().map { try $0.string("id") }
        }
    }

    static func role(from row: any SQLRow) throws -> RoleRecord {
        RoleRecord(
            id: try row.string("id"), orgId: try row.string("org_id"), name: try row.string("name"),
            operations: try row.stringArray("operations"), grantsAll: try row.bool("grants_all"),
            isImmutable: try row.bool("is_immutable"), isArchived: try row.bool("is_archived"),
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }

    static func assignment(from row: any SQLRow) throws -> AssignmentRecord {
        AssignmentRecord(
            id: try row.string("id"), orgId: try row.string("org_id"), permissionId: try row.string("permission_id"),
            identityId: try row.string("identity_id"), isImmutable: try row.bool("is_immutable"),
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }
}
