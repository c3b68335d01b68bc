import Foundation
import SQLKit
package import SignetCore

extension SQLStore {
    package func insertOrganization(_ organization: OrganizationRecord) async throws {
        try await write(.organizations) { try await $0.insertRow(organization) }
    }

    package func organization(id: String) async throws -> OrganizationRecord? {
        try await read { database in
            try await database.raw("SELECT * FROM organizations WHERE id = \(bind: id)").first(decoding: OrganizationRecord.self)
        }
    }

    package func setMaximumPatLifetime(orgId: String, days: Int?) async throws {
        try await write(.organizations) { database in
            try await database.raw("UPDATE organizations SET maximum_pat_lifetime_days = \(bind: days) WHERE id = \(bind: orgId)").run()
        }
    }

    package func organizations() async throws -> [OrganizationRecord] {
        try await read { database in
            try await database.raw("SELECT * FROM organizations ORDER BY created_at, id").all(decoding: OrganizationRecord.self)
        }
    }

    package func signingKeys() async throws -> [SigningKeyMaterial] {
        try await read { database in
            try await database.raw("SELECT * FROM signing_keys ORDER BY created_at, kid").all(decoding: SigningKeyRow.self)
        }.map { try $0.material() }
    }

    package func insertSigningKey(_ key: SigningKeyMaterial) async throws {
        try await write(.signingKeys) { try await $0.insertRow(SigningKeyRow(key)) }
    }
}
