import Foundation
import SQLKit
import SignetAPI
import SignetCore

extension SQLStore {
    public func insertCredential(_ credential: CredentialRecord) async throws {
        try await write(.credentials) { database in
            try await database.raw(
                """
                INSERT INTO credentials (uuid, org_id, credential_id, identity_id, kind, name, public_key, fingerprint,
                    algorithm, is_active, created_at)
                VALUES (\(bind: credential.uuid), \(bind: credential.orgId), \(bind: credential.credentialId),
                    \(bind: credential.identityId), \(bind: credential.kind.rawValue), \(bind: credential.name),
                    \(bind: credential.publicKeyPEM), \(bind: credential.fingerprint), \(bind: credential.algorithm.rawValue),
                    \(bind: credential.isActive), \(bind: credential.createdAt.milliseconds))
                """
            ).run()
        }
    }

    public func credential(uuid: String) async throws -> CredentialRecord? {
        try await read { database in
            try await database.raw("SELECT * FROM credentials WHERE uuid = \(bind: uuid)").first().map(Self.credential(from:))
        }
    }

    public func credential(orgId: String, credentialId: String) async throws -> CredentialRecord? {
        try await read { database in
            try await database.raw(
                "SELECT * FROM credentials WHERE org_id = \(bind: orgId) AND credential_id = \(bind: credentialId)"
            ).first().map(Self.credential(from:))
        }
    }

    public func credentialExists(orgId: String, fingerprint: String) async throws -> Bool {
        try await read { database in
            try await database.raw(
                "SELECT uuid FROM credentials WHERE org_id = \(bind: orgId) AND fingerprint = \(bind: fingerprint)"
            ).first() != nil
        }
    }

    public func credentials(identityId: String) async throws -> [CredentialRecord] {
        try await read { database in
            try await database.raw(
                "SELECT * FROM credentials WHERE identity_id = \(bind: identityId) ORDER BY created_at, uuid"
            ).all().map(Self.credential(from:))
        }
    }

    public func setCredentialActive(uuid: String, isActive: Bool) async throws {
        try await write(.credentials) { database in
            try await database.raw("UPDATE credentials SET is_active = \(bind: isActive) WHERE uuid = \(bind: uuid)").run()
        }
    }

    static func credential(from row: any SQLRow) throws -> CredentialRecord {
        CredentialRecord(
            uuid: try row.string("uuid"), orgId: try row.string("org_id"), credentialId: try row.string("credential_id"),
            identityId: try row.string("identity_id"), kind: try row.enumeration("kind", as: CredentialKind.self),
            name: try row.string("name"), publicKeyPEM: try row.string("public_key"),
            fingerprint: try row.string("fingerprint"), algorithm: try row.enumeration("algorithm", as: KeyAlgorithm.self),
            isActive: try row.bool("is_active"), createdAt: try row.date("created_at"))
    }
}
