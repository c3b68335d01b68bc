package import Foundation
import NIOConcurrencyHelpers
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
        // PAT holds the name too. Such keys are only looked for while any remain (renaming such a PAT
        // gives it a plain key; nothing writes new ones): that lookup reads every PAT of the user,
        // the plain one a single entry of the unique index access_tokens_pat_name.
        // Inside a transaction the last answer stands (or, before any, the lookup that reads those
        // keys): no second connection while this one is held, and no scan inside the writer's.
        let legacy = try await legacyNameKeys.mayExist(refreshing: transactionDatabase == nil) { try await anyLegacyNameKey() }
        let suffixed = key + "\u{1}"
        return try await read { database in
            try await database.raw(
                legacy
                    ? """
                    SELECT id FROM access_tokens WHERE user_id = \(bind: userId)
                        AND (name_key = \(bind: key) OR substr(name_key, 1, CAST(\(bind: suffixed.unicodeScalars.count) AS INTEGER)) = \(bind: suffixed))
                        AND kind = 'Pat' AND is_deleted = FALSE
                    """
                    : """
                    SELECT id FROM access_tokens WHERE user_id = \(bind: userId) AND name_key = \(bind: key)
                        AND kind = 'Pat' AND is_deleted = FALSE
                    """
            ).all().contains { (try? $0.decode(column: "id", as: String.self)) != tokenId }
        }
    }

    /// Whether any live PAT still has a key migration 5 wrote (`name U+0001 id`). Not counted in
    /// ``reads``: it runs at most once a minute, on a reader (never inside the writer's transaction).
    private func anyLegacyNameKey() async throws -> Bool {
        try await driver.withReader { database in
            try await database.raw(
                "SELECT id FROM access_tokens WHERE kind = 'Pat' AND is_deleted = FALSE AND name_key LIKE \(bind: "%\u{1}%") LIMIT 1"
            ).first() != nil
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

/// Whether migration 5's PAT name keys (`name U+0001 id`) remain, asked of the database at most
/// once a minute. Only that migration writes them and renaming such a PAT removes its one, so an
/// answer of "none" stays true; the minute covers a database restored under a running node.
final class LegacyNameKeys: Sendable {
    private struct State {
        var known: (present: Bool, checkedAt: ContinuousClock.Instant)?
        var checking = false
    }

    private let state = NIOLockedValueBox(State())

    /// The answer of `check`, run when the last is a minute old and `refreshing`; while one caller
    /// runs it, and when not `refreshing`, the others take the last answer, or `true` before any
    /// (always right: the lookup that reads those keys finds plain ones too).
    func mayExist(refreshing: Bool, check: () async throws -> Bool) async throws -> Bool {
        let last = state.withLockedValue { state -> Bool? in
            let fresh = state.known.map { ContinuousClock.now - $0.checkedAt < .seconds(60) } ?? false
            if fresh || state.checking || !refreshing { return state.known?.present ?? true }
            state.checking = true
            return nil
        }
        if let last { return last }
        do {
            let present = try await check()
            state.withLockedValue { $0 = State(known: (present, ContinuousClock.now)) }
            return present
        } catch {
            state.withLockedValue { $0.checking = false }
            throw error
        }
    }
}
