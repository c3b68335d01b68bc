package import Foundation
import SignetAPI
package import SignetCore
package import SignetStore

/// Creates the organisation and its first administrator on an empty store (`signet init`, and the
/// `--dev` first start).
package enum OrganizationBootstrap {
    /// The name of the managed role that grants every operation, present and future.
    package static let fullAdminRoleName = "ManagedFullAdminAccess"

    /// What was created; `--json` prints exactly this.
    package struct Result: Codable, Sendable, Equatable {
        package var orgId: String
        package var userId: String
        package var username: String
        /// The `credId` a key signer uses (`nil` when the administrator registers a passkey with a setup link instead).
        package var credentialId: String?
        package var credentialUuid: String?
        /// The administrator's setup link, when they were created without a key.
        package var setupLink: String?
    }

    /// Why the store could not be initialised. Nothing was written.
    package enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case alreadyInitialised(orgId: String, name: String)
        case invalidEmail(String)
        case invalidOrganizationName
        case invalidPublicKey(KeyParsingError)

        package var description: String {
            switch self {
            case .alreadyInitialised(let orgId, let name):
                return "this store is already initialised (organisation \(orgId), '\(name)'); nothing was changed"
            case .invalidEmail(let email):
                return "'\(TextRules.escaped(email))' is not an email address; the first administrator logs in with their email"
            case .invalidOrganizationName:
                return "the organisation name must be 1 to 100 characters, without control, format or separator characters"
            case .invalidPublicKey(let error):
                return error.description
            }
        }
    }

    /// Creates the organisation, the managed full-admin role, the first user (a `CustomerEmployee`
    /// whose username is `email`) with a Key credential for `publicKeyPEM` (none when `nil`: the
    /// administrator then registers a passkey with a ``SetupLink``), and assigns the role, all in one
    /// transaction.
    package static func initialize(
        store: any SignetStore,
        organizationName: String,
        email: String,
        publicKeyPEM: String?,
        now: Date = Date()
    ) async throws -> Result {
        let name = organizationName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (try? TextRules.check(name, maximumCharacters: Validate.maximumNameLength, maximumBytes: Validate.maximumNameBytes)) != nil
        else { throw Failure.invalidOrganizationName }
        let email = email.trimmingCharacters(in: .whitespacesAndNewlines)
        guard isEmail(email) else { throw Failure.invalidEmail(email) }
        let publicKey: PublicKey?
        do {
            publicKey = try publicKeyPEM.map { pem throws(KeyParsingError) in try PublicKey(pem: pem) }
        } catch {
            throw Failure.invalidPublicKey(error)
        }
        let credentialUuid = publicKey == nil ? nil : Identifier.make(.credential)
        let result = Result(
            orgId: Identifier.make(.organization),
            userId: Identifier.make(.user),
            username: email,
            credentialId: credentialUuid,
            credentialUuid: credentialUuid
        )
        try await store.transaction { store in
            if let existing = try await store.organizations().first {
                throw Failure.alreadyInitialised(orgId: existing.id, name: existing.name)
            }
            try await insert(result, organizationName: name, publicKey: publicKey, now: now, into: store)
        }
        return result
    }

    /// The organisation's first rows: the organisation, its full-admin role, the administrator (and
    /// their key, when given) and the assignment.
    private static func insert(
        _ result: Result,
        organizationName name: String,
        publicKey: PublicKey?,
        now: Date,
        into store: any SignetStore
    ) async throws {
        try await store.insertOrganization(OrganizationRecord(id: result.orgId, name: name, createdAt: now))
        let role = RoleRecord(
            id: Identifier.make(.permission),
            orgId: result.orgId,
            name: fullAdminRoleName,
            operations: [],
            grantsAll: true,
            isImmutable: true,
            createdAt: now
        )
        try await store.insertRole(role)
        try await store.insertUser(
            UserRecord(
                id: result.userId,
                orgId: result.orgId,
                username: result.username,
                name: result.username,
                kind: .customerEmployee,
                createdAt: now
            )
        )
        if let publicKey, let credentialUuid = result.credentialUuid {
            try await store.insertCredential(
                CredentialRecord(
                    uuid: credentialUuid,
                    orgId: result.orgId,
                    credentialId: credentialUuid,
                    identityId: result.userId,
                    name: "Initial administrator key",
                    publicKeyPEM: publicKey.pemRepresentation,
                    fingerprint: publicKey.fingerprint,
                    algorithm: publicKey.algorithm,
                    createdAt: now
                )
            )
        }
        try await store.insertAssignment(
            AssignmentRecord(
                id: Identifier.make(.assignment),
                orgId: result.orgId,
                permissionId: role.id,
                identityId: result.userId,
                createdAt: now
            )
        )
    }

    /// A plausible email: one `@`, something on both sides, a dot in the domain, no spaces, at most 254 bytes.
    static func isEmail(_ value: String) -> Bool {
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard value.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !parts[1].hasPrefix("."), !parts[1].hasSuffix(".")
        else { return false }
        guard TextRules.forbiddenScalar(in: value) == nil else { return false }
        return !value.unicodeScalars.contains(where: { $0.properties.isWhitespace })
    }
}
