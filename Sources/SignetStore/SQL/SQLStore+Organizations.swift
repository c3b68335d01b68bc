import Foundation
import SQLKit
import SignetCore

extension SQLStore {
    public func insertOrganization(_ organization: OrganizationRecord) async throws {
        try await write(.organizations) { database in
            try await database.raw(
                """
                INSERT INTO organizations (id, name, created_at)
                VALUES (\(bind: organization.id), \(bind: organization.name), \(bind: organization.createdAt.milliseconds))
                """
            ).run()
        }
    }

    public func organization(id: String) async throws -> OrganizationRecord? {
        try await read { database in
            try await database.raw("SELECT * FROM organizations WHERE id = \(bind: id)").first().map(Self.organization(from:))
        }
    }

    public func organizations() async throws -> [OrganizationRecord] {
        try await read { database in
            try await database.raw("SELECT * FROM organizations ORDER BY created_at, id").all().map(Self.organization(from:))
        }
    }

    static func organization(from row: any SQLRow) throws -> OrganizationRecord {
        OrganizationRecord(id: try row.string("id"), name: try row.string("name"), createdAt: try row.date("created_at"))
    }

    public func signingKeys() async throws -> [SigningKeyMaterial] {
        try await read { database in
            try await database.raw("SELECT * FROM signing_keys ORDER BY created_at, kid").all().map { row in
                guard let privateKey = Data(base64Encoded: try row.string("private_key")) else {
                    throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "unreadable signing key"))
                }
                return SigningKeyMaterial(kid: try row.string("kid"), privateKey: Array(privateKey), createdAt: try row.date("created_at"))
            }
        }
    }

    public func insertSigningKey(_ key: SigningKeyMaterial) async throws {
        try await write(.signingKeys) { database in
            try await database.raw(
                """
                INSERT INTO signing_keys (kid, private_key, created_at)
                VALUES (\(bind: key.kid), \(bind: Data(key.privateKey).base64EncodedString()), \(bind: key.createdAt.milliseconds))
                """
            ).run()
        }
    }
}
