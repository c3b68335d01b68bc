package import Foundation
import SQLKit
package import SignetAPI

extension SQLStore {
    package func insertUser(_ user: UserRecord) async throws {
        try await write(.users) { try await $0.insertRow(user) }
    }

    package func user(id: String) async throws -> UserRecord? {
        try await read { database in
            try await database.raw("SELECT * FROM users WHERE id = \(bind: id)").first(decoding: UserRecord.self)
        }
    }

    package func users(ids: [String]) async throws -> [UserRecord] {
        guard !ids.isEmpty else { return [] }
        return try await read { database in
            try await database.raw("SELECT * FROM users WHERE id IN (\(binds: ids))").all(decoding: UserRecord.self)
        }
    }

    package func user(orgId: String, username: String) async throws -> UserRecord? {
        try await read { database in
            try await database.raw(
                """
                SELECT * FROM users
                WHERE org_id = \(bind: orgId) AND username_key = \(bind: UserRecord.key(for: username)) AND is_deleted = FALSE
                """
            ).first(decoding: UserRecord.self)
        }
    }

    package func updateUserNames(
        id: String,
        username: String,
        name: String,
        externalId: String?,
        at date: Date
    )
        async throws -> UserRecord?
    {
        try await write(.users) { database in
            try await database.raw(
                """
                UPDATE users SET username = \(bind: username), username_key = \(bind: UserRecord.key(for: username)),
                    name = \(bind: name), external_id = \(bind: externalId), updated_at = \(bind: date.milliseconds)
                WHERE id = \(bind: id) AND is_deleted = FALSE
                RETURNING *
                """
            ).first(decoding: UserRecord.self)
        }
    }

    package func setUserActive(id: String, isActive: Bool, at date: Date) async throws -> UserRecord? {
        try await write(.users) { database in
            try await database.raw(
                """
                UPDATE users SET is_active = \(bind: isActive), updated_at = \(bind: date.milliseconds)
                WHERE id = \(bind: id) AND is_deleted = FALSE
                RETURNING *
                """
            ).first(decoding: UserRecord.self)
        }
    }

    package func deleteUser(id: String, at date: Date) async throws -> UserRecord? {
        try await write(.users) { database in
            try await database.raw(
                """
                UPDATE users SET is_active = FALSE, is_deleted = TRUE, updated_at = \(bind: date.milliseconds)
                WHERE id = \(bind: id) AND is_deleted = FALSE
                RETURNING *
                """
            ).first(decoding: UserRecord.self)
        }
    }

    package func users(
        orgId: String,
        serviceAccounts: Bool,
        kind: UserKind?,
        afterId: String?,
        limit: Int
    ) async throws
        -> [UserRecord]
    {
        try await read { database in
            var query = SQLQueryString(
                """
                SELECT * FROM users WHERE org_id = \(bind: orgId) AND is_deleted = FALSE
                    AND is_service_account = \(bind: serviceAccounts)
                """
            )
            if let kind {
                query.appendLiteral(" AND kind = ")
                query.appendInterpolation(bind: kind.rawValue)
            }
            query.appendPage(after: afterId, limit: limit)
            return try await database.raw(query).all(decoding: UserRecord.self)
        }
    }
}
