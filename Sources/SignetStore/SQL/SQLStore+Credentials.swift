import Foundation
import SQLKit
package import SignetAPI
import SignetCore

extension SQLStore {
    package func insertCredential(_ credential: CredentialRecord) async throws {
        try await write(.credentials) { try await $0.insertRow(credential) }
    }

    package func credential(uuid: String) async throws -> CredentialRecord? {
        try await read { database in
            try await database.raw("SELECT * FROM credentials WHERE uuid = \(bind: uuid)").first(decoding: CredentialRecord.self)
        }
    }

    package func credentials(uuids: [String]) async throws -> [CredentialRecord] {
        guard !uuids.isEmpty else { return [] }
        return try await read { database in
            try await database.raw("SELECT * FROM credentials WHERE uuid IN (\(binds: uuids))").all(decoding: CredentialRecord.self)
        }
    }

    package func credential(orgId: String, credentialId: String) async throws -> CredentialRecord? {
        try await read { database in
            try await database.raw(
                "SELECT * FROM credentials WHERE org_id = \(bind: orgId) AND credential_id = \(bind: credentialId)"
            ).first(decoding: CredentialRecord.self)
        }
    }

    package func credentialIdentifierTaken(_ identifier: String) async throws -> Bool {
        try await read { database in
            try await database.raw(
                "SELECT uuid FROM credentials WHERE credential_id = \(bind: identifier) OR uuid = \(bind: identifier)"
            ).first() != nil
        }
    }

    package func credentialExists(orgId: String, fingerprint: String) async throws -> Bool {
        try await read { database in
            try await database.raw(
                "SELECT uuid FROM credentials WHERE org_id = \(bind: orgId) AND fingerprint = \(bind: fingerprint)"
            ).first() != nil
        }
    }

    package func credentials(identityId: String) async throws -> [CredentialRecord] {
        try await read { database in
            try await database.raw(
                "SELECT * FROM credentials WHERE identity_id = \(bind: identityId) AND is_deleted = FALSE ORDER BY created_at, uuid"
            ).all(decoding: CredentialRecord.self)
        }
    }

    package func credentials(identityIds: [String]) async throws -> [CredentialRecord] {
        guard !identityIds.isEmpty else { return [] }
        return try await read { database in
            try await database.raw(
                """
                SELECT * FROM credentials WHERE identity_id IN (\(binds: identityIds)) AND is_deleted = FALSE
                ORDER BY created_at, uuid
                """
            ).all(decoding: CredentialRecord.self)
        }
    }

    package func tokenCredentials(userId: String, kind: TokenKind) async throws -> [CredentialRecord] {
        try await read { database in
            try await database.raw(
                """
                SELECT c.* FROM credentials c JOIN access_tokens t ON t.id = c.identity_id
                WHERE t.user_id = \(bind: userId) AND t.kind = \(bind: kind.rawValue) AND t.is_deleted = FALSE AND c.is_deleted = FALSE
                ORDER BY c.created_at, c.uuid
                """
            ).all(decoding: CredentialRecord.self)
        }
    }

    package func setCredentialActive(uuid: String, isActive: Bool) async throws {
        try await write(.credentials) { database in
            try await database.raw("UPDATE credentials SET is_active = \(bind: isActive) WHERE uuid = \(bind: uuid) AND is_deleted = FALSE").run()
        }
    }

    package func flagCredential(uuid: String) async throws {
        try await write(.credentials) { database in
            try await database.raw("UPDATE credentials SET is_flagged = TRUE, is_active = FALSE WHERE uuid = \(bind: uuid)").run()
        }
    }

    package func recordBackupState(uuid: String, backedUp: Bool) async throws {
        try await write(.credentials) { database in
            try await database.raw("UPDATE credentials SET backed_up = \(bind: backedUp) WHERE uuid = \(bind: uuid)").run()
        }
    }

    package func deleteCredential(uuid: String) async throws -> CredentialRecord? {
        try await write(.credentials) { database in
            try await database.raw(
                """
                UPDATE credentials SET is_active = FALSE, is_deleted = TRUE WHERE uuid = \(bind: uuid) AND is_deleted = FALSE
                RETURNING *
                """
            ).first(decoding: CredentialRecord.self)
        }
    }
}
