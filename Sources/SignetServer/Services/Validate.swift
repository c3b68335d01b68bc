import Foundation
import SignetAPI
import SignetCore
import SignetStore

/// Input rules shared by several routes, each failing with a 4xx that names the field.
enum Validate {
    /// The longest name accepted, in characters.
    static let maximumNameLength = 100

    /// A name: trimmed, 1 to 100 characters, no control characters.
    static func name(_ value: String, field: String = "name") throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw APIError.badRequest("field '\(field)' must not be empty") }
        guard trimmed.count <= maximumNameLength else {
            throw APIError.badRequest("field '\(field)' must be at most \(maximumNameLength) characters")
        }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw APIError.badRequest("field '\(field)' must not contain control characters")
        }
        return trimmed
    }

    /// An optional external reference: 1 to 255 characters when present.
    static func externalId(_ value: String?) throws -> String? {
        guard let value else { return nil }
        guard !value.isEmpty, value.count <= 255 else {
            throw APIError.badRequest("field 'externalId' must be 1 to 255 characters")
        }
        return value
    }

    /// A token lifetime in seconds from `daysValid` or `secondsValid` (which wins), at most
    /// `maximumDays`; the maximum when neither is given.
    static func lifetime(days: Int?, seconds: Int?, maximumDays: Int) throws -> TimeInterval {
        let maximumSeconds = maximumDays * 86_400
        if let seconds {
            guard seconds > 0, seconds <= maximumSeconds else {
                throw APIError.badRequest("field 'secondsValid' must be between 1 and \(maximumSeconds)")
            }
            return TimeInterval(seconds)
        }
        if let days {
            guard days > 0, days <= maximumDays else {
                throw APIError.badRequest("field 'daysValid' must be between 1 and \(maximumDays)")
            }
            return TimeInterval(days * 86_400)
        }
        return TimeInterval(maximumSeconds)
    }

    /// A role of the organisation that can be assigned: it exists and is not archived.
    static func assignableRole(_ permissionId: String, orgId: String, store: any SignetStore) async throws -> RoleRecord {
        guard Identifier.isWellFormed(permissionId, prefix: .permission) else {
            throw APIError.badRequest("field 'permissionId' must be a permission id (pm-…)")
        }
        guard let role = try await store.role(id: permissionId), role.orgId == orgId else {
            throw APIError.notFound("permission \(permissionId) not found")
        }
        guard !role.isArchived else { throw APIError.badRequest("permission \(permissionId) is archived") }
        return role
    }

    /// Refuses a key already registered on any credential of the organisation, active or not.
    static func keyIsNew(_ key: PublicKey, orgId: String, store: any SignetStore) async throws {
        if try await store.credentialExists(orgId: orgId, fingerprint: key.fingerprint) {
            throw APIError.conflict(
                "this public key is already registered; every credential needs its own keypair, generate a new one",
                details: ["duplicate": "publicKey"])
        }
    }
}
