import Foundation
import SQLKit
import SignetAPI

extension SQLStore {
    public func insertToken(_ token: AccessTokenRecord) async throws {
        try await write(.accessTokens) { database in
            try await database.raw(
                """
                INSERT INTO access_tokens (id, org_id, kind, user_id, credential_uuid, name, external_id, is_active,
                    is_deleted, token_digest, created_at, updated_at, expires_at)
                VALUES (\(bind: token.id), \(bind: token.orgId), \(bind: token.kind.rawValue), \(bind: token.userId),
                    \(bind: token.credentialUuid), \(bind: token.name), \(bind: token.externalId), \(bind: token.isActive),
                    \(bind: token.isDeleted), \(bind: token.tokenDigest), \(bind: token.createdAt.milliseconds),
                    \(bind: token.updatedAt.milliseconds), \(bind: token.expiresAt.milliseconds))
                """
            ).run()
        }
    }

    public func token(id: String) async throws -> AccessTokenRecord? {
        try await read { database in
            try await database.raw("SELECT * FROM access_tokens WHERE id = \(bind: id)").first().map(Self.token(from:))
        }
    }

    public func tokens(userId: String, kind: TokenKind) async throws -> [AccessTokenRecord] {
        try await read { database in
            try await database.raw(
                """
                SELECT * FROM access_tokens WHERE user_id = \(bind: userId) AND kind = \(bind: kind.rawValue)
                    AND is_deleted = FALSE
                ORDER BY created_at, id
                """
            ).all().map(Self.token(from:))
        }
    }

    public func updateTokenDetails(id: String, name: String, externalId: String?, at date: Date) async throws
        -> AccessTokenRecord?
    {
        try await write(.accessTokens) { database in
            try await database.raw(
                """
                UPDATE access_tokens SET name = \(bind: name), external_id = \(bind: externalId),
                    updated_at = \(bind: date.milliseconds)
                WHERE id = \(bind: id) AND is_deleted = FALSE
                RETURNING *
                """
            ).first().map(Self.token(from:))
        }
    }

    public func setTokenActive(id: String, isActive: Bool, at date: Date) async throws -> AccessTokenRecord? {
        try await write(.accessTokens) { database in
            try await database.raw(
                """
                UPDATE access_tokens SET is_active = \(bind: isActive), updated_at = \(bind: date.milliseconds)
                WHERE id = \(bind: id) AND is_deleted = FALSE
                RETURNING *
                """
            ).first().map(Self.token(from:))
        }
    }

    public func deleteToken(id: String, at date: Date) async throws -> AccessTokenRecord? {
        try await write(.accessTokens) { database in
            try await database.raw(
                """
                UPDATE access_tokens SET is_active = FALSE, is_deleted = TRUE, updated_at = \(bind: date.milliseconds)
                WHERE id = \(bind: id) AND is_deleted = FALSE
                RETURNING *
                """
            ).first().map(Self.token(from:))
        }
    }

    public func deactivateLoginSessions(credentialUuid: String, at date: Date) async throws {
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

    public func deactivateLoginSessions(userId: String, at date: Date) async throws {
        try await write(.accessTokens) { database in
            try await database.raw(
                """
                UPDATE access_tokens SET is_active = FALSE, updated_at = \(bind: date.milliseconds)
                WHERE user_id = \(bind: userId) AND kind = \(bind: TokenKind.login.rawValue) AND is_active = TRUE
                """
            ).run()
        }
    }

    static func token(from row: any SQLRow) throws -> AccessTokenRecord {
        AccessTokenRecord(
            id: try row.string("id"), orgId: try row.string("org_id"), kind: try row.enumeration("kind", as: TokenKind.self),
            userId: try row.string("user_id"), credentialUuid: try row.optionalString("credential_uuid"),
            name: try row.string("name"), externalId: try row.optionalString("external_id"),
            isActive: try row.bool("is_active"), isDeleted: try row.bool("is_deleted"),
            tokenDigest: try row.string("token_digest"), createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at"), expiresAt: try row.date("expires_at"))
    }
}
