package import Foundation
import SQLKit
package import SignetAPI

extension SQLStore {
    package func insertToken(_ token: AccessTokenRecord) async throws {
        try await write(.accessTokens) { try await $0.insertRow(token) }
    }

    package func token(id: String) async throws -> AccessTokenRecord? {
        try await read { database in
            try await database.raw("SELECT * FROM access_tokens WHERE id = \(bind: id)").first(decoding: AccessTokenRecord.self)
        }
    }

    package func tokens(userIds: [String], kind: TokenKind) async throws -> [AccessTokenRecord] {
        guard !userIds.isEmpty else { return [] }
        return try await read { database in
            try await database.raw(
                """
                SELECT * FROM access_tokens WHERE user_id IN (\(binds: userIds)) AND kind = \(bind: kind.rawValue)
                    AND is_deleted = FALSE
                ORDER BY created_at, id
                """
            ).all(decoding: AccessTokenRecord.self)
        }
    }

    package func tokens(userId: String, kind: TokenKind) async throws -> [AccessTokenRecord] {
        try await read { database in
            try await database.raw(
                """
                SELECT * FROM access_tokens WHERE user_id = \(bind: userId) AND kind = \(bind: kind.rawValue)
                    AND is_deleted = FALSE
                ORDER BY created_at, id
                """
            ).all(decoding: AccessTokenRecord.self)
        }
    }

    package func patNameInUse(key: String, userId: String, except tokenId: String?) async throws -> Bool {
        // Migration 5 kept a name that clashed with an older PAT under the key `key U+0001 id`: that
        // PAT holds the name too. `substr` counts characters (code points) on SQLite and PostgreSQL.
        let suffixed = key + "\u{1}"
        return try await read { database in
            // The unique index access_tokens_pat_name's own predicate, so that index answers it.
            try await database.raw(
                """
                SELECT id FROM access_tokens WHERE user_id = \(bind: userId)
                    AND (name_key = \(bind: key) OR substr(name_key, 1, CAST(\(bind: suffixed.unicodeScalars.count) AS INTEGER)) = \(bind: suffixed))
                    AND kind = 'Pat' AND is_deleted = FALSE
                """
            ).all().contains { (try? $0.decode(column: "id", as: String.self)) != tokenId }
        }
    }

    package func updateTokenDetails(
        id: String,
        name: String,
        externalId: String?,
        at date: Date
    ) async throws
        -> AccessTokenRecord?
    {
        try await write(details: .accessTokens, owner: { $0?.userId }) { database in
            try await database.raw(
                """
                UPDATE access_tokens SET name_key = CASE WHEN name = \(bind: name) THEN name_key ELSE \(bind: AccessTokenRecord.key(for: name)) END,
                    name = \(bind: name), external_id = \(bind: externalId),
                    updated_at = \(bind: date.milliseconds)
                WHERE id = \(bind: id) AND is_deleted = FALSE
                RETURNING *
                """
            ).first(decoding: AccessTokenRecord.self)
        }
    }

    package func setTokenActive(id: String, isActive: Bool, at date: Date) async throws -> AccessTokenRecord? {
        try await write(.accessTokens) { database in
            try await database.raw(
                """
                UPDATE access_tokens SET is_active = \(bind: isActive), updated_at = \(bind: date.milliseconds)
                WHERE id = \(bind: id) AND is_deleted = FALSE
                RETURNING *
                """
            ).first(decoding: AccessTokenRecord.self)
        }
    }

    package func tokenCounts(at date: Date) async throws -> [TokenCount] {
        let rows = try await read { database in
            try await database.raw(
                """
                SELECT t.kind AS kind, CASE WHEN t.is_active = FALSE THEN 'inactive'
                    WHEN \(unsafeRaw: Self.effectiveExpiry) <= \(bind: date.milliseconds) THEN 'expired' ELSE 'active' END AS state,
                    COUNT(*) AS n
                FROM access_tokens t JOIN organizations o ON o.id = t.org_id WHERE t.is_deleted = FALSE GROUP BY t.kind, state
                """
            ).all()
        }
        return try rows.compactMap { row in
            guard let kind = TokenKind(rawValue: try row.decode(column: "kind", as: String.self)) else { return nil }
            return TokenCount(kind: kind, state: try row.decode(column: "state", as: String.self), count: try row.decode(column: "n", as: Int.self))
        }
    }

    package func deleteToken(id: String, at date: Date) async throws -> AccessTokenRecord? {
        try await write(.accessTokens) { database in
            try await database.raw(
                """
                UPDATE access_tokens SET is_active = FALSE, is_deleted = TRUE, updated_at = \(bind: date.milliseconds)
                WHERE id = \(bind: id) AND is_deleted = FALSE
                RETURNING *
                """
            ).first(decoding: AccessTokenRecord.self)
        }
    }

    package func deactivateLoginSessions(credentialUuid: String, at date: Date) async throws {
        try await write(.accessTokens) { database in
            try await database.raw(
                """
                UPDATE access_tokens SET is_active = FALSE, updated_at = \(bind: date.milliseconds)
                WHERE credential_uuid = \(bind: credentialUuid) AND kind = \(bind: TokenKind.login.rawValue)
                    AND is_active = TRUE
                """
            ).run()
        }
    }

    package func deactivateLoginSessions(userId: String, at date: Date) async throws {
        try await write(.accessTokens) { database in
            try await database.raw(
                """
                UPDATE access_tokens SET is_active = FALSE, updated_at = \(bind: date.milliseconds)
                WHERE user_id = \(bind: userId) AND kind = \(bind: TokenKind.login.rawValue) AND is_active = TRUE
                """
            ).run()
        }
    }
}
