import Foundation
import SQLKit
import SignetAPI

extension SQLStore {
    public func insertUser(_ user: UserRecord) async throws {
        try await write(.users) { database in
            try await database.raw(
                """
                INSERT INTO users (id, org_id, username, username_key, name, kind, is_active, is_service_account,
                    is_registered, is_sso_required, external_id, is_deleted, created_by, created_at, updated_at)
                VALUES (\(bind: user.id), \(bind: user.orgId), \(bind: user.username), \(bind: user.username.lowercased()),
                    \(bind: user.name), \(bind: user.kind.rawValue), \(bind: user.isActive), \(bind: user.isServiceAccount),
                    \(bind: user.isRegistered), \(bind: user.isSSORequired), \(bind: user.externalId), \(bind: user.isDeleted),
                    \(bind: user.createdBy), \(bind: user.createdAt.milliseconds), \(bind: user.updatedAt.milliseconds))
                """
            ).run()
        }
    }

    public func user(id: String) async throws -> UserRecord? {
        try await read { database in
            try await database.raw("SELECT * FROM users WHERE id = \(bind: id)").first().map(Self.user(from:))
        }
    }

    public func user(orgId: String, username: String) async throws -> UserRecord? {
        try await read { database in
            try await database.raw(
                """
                SELECT * FROM users
                WHERE org_id = \(bind: orgId) AND username_key = \(bind: username.lowercased()) AND is_deleted = FALSE
                """
            ).first().map(Self.user(from:))
        }
    }

    public func updateUserNames(id: String, username: String, name: String, externalId: String?, at date: Date)
        async throws -> UserRecord?
    {
        try await write(.users) { database in
            try await database.raw(
                """
                UPDATE users SET username = \(bind: username), username_key = \(bind: username.lowercased()),
                    name = \(bind: name), external_id = \(bind: externalId), updated_at = \(bind: date.milliseconds)
                WHERE id = \(bind: id) AND is_deleted = FALSE
                RETURNING *
                """
            ).first().map(Self.user(from:))
        }
    }

    public func setUserActive(id: String, isActive: Bool, at date: Date) async throws -> UserRecord? {
        try await write(.users) { database in
            try await database.raw(
                """
                UPDATE users SET is_active = \(bind: isActive), updated_at = \(bind: date.milliseconds)
                WHERE id = \(bind: id) AND is_deleted = FALSE
                RETURNING *
                """
            ).first().map(Self.user(from:))
        }
    }

    public func deleteUser(id: String, at date: Date) async throws -> UserRecord? {
        try await write(.users) { database in
            try await database.raw(
                """
                UPDATE users SET is_active = FALSE, is_deleted = TRUE, updated_at = \(bind: date.milliseconds)
                WHERE id = \(bind: id) AND is_deleted = FALSE
                RETURNING *
                """
            ).first().map(Self.user(from:))
        }
    }

    public func users(orgId: String, serviceAccounts: Bool, kind: UserKind?, afterId: String?, limit: Int) async throws
        -> [UserRecord]
    {
        try await read { database in
            var query = SQLQueryString(
                """
                SELECT * FROM users WHERE org_id = \(bind: orgId) AND is_deleted = FALSE
                    AND is_service_account = \(bind: serviceAccounts)
                """)
            if let kind { query.appendLiteral(" AND kind = "); query.appendInterpolation(bind: kind.rawValue) }
            if let afterId { query.appendLiteral(" AND id > "); query.appendInterpolation(bind: afterId) }
            query.appendLiteral(" ORDER BY id LIMIT ")
            query.appendInterpolation(bind: limit)
            return try await database.raw(query).all().map(Self.user(from:))
        }
    }

    static func user(from row: any SQLRow) throws -> UserRecord {
        UserRecord(
            id: try row.string("id"), orgId: try row.string("org_id"), username: try row.string("username"),
            name: try row.string("name"), kind: try row.enumeration("kind", as: UserKind.self),
            isActive: try row.bool("is_active"), isServiceAccount: try row.bool("is_service_account"),
            isRegistered: try row.bool("is_registered"), isSSORequired: try row.bool("is_sso_required"),
            externalId: try row.optionalString("external_id"), isDeleted: try row.bool("is_deleted"),
            createdBy: try row.optionalString("created_by"), createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at"))
    }
}
