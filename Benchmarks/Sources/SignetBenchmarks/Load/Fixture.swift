import Foundation
import SignetAPI
import SignetCore
import SignetServer
import SignetStore

/// Records written straight into a store, for benchmarks that need many of them or a token
/// without going through the HTTP API.
enum Fixture {
    /// An initialised organisation: its administrator and the full-admin role.
    struct Organization: Sendable {
        let orgId: String
        let userId: String
        let fullAdminRoleId: String
    }

    /// Initialises an empty store with an organisation whose administrator holds `key`.
    static func initialize(_ store: any SignetStore, key: PrivateKey) async throws -> Organization {
        let result = try await OrganizationBootstrap.initialize(
            store: store,
            organizationName: "Benchmark",
            email: "bench@signet.local",
            publicKeyPEM: key.publicKey.pemRepresentation
        )
        return try await organization(store, orgId: result.orgId)
    }

    /// The organisation of an initialised store.
    static func organization(_ store: any SignetStore, orgId: String? = nil) async throws -> Organization {
        guard let org = try await store.organizations().first(where: { orgId == nil || $0.id == orgId }) else {
            throw ValidationFailure("the store has no organisation: initialise it first (signet init, or serve --dev)")
        }
        guard let role = try await store.role(orgId: org.id, name: OrganizationBootstrap.fullAdminRoleName),
            let admin = try await store.fullAdministrators(orgId: org.id).first
        else { throw ValidationFailure("the organisation has no full administrator") }
        return Organization(orgId: org.id, userId: admin, fullAdminRoleId: role.id)
    }

    /// The token authority of a store, over its signing keys.
    static func authority(_ store: any SignetStore) async throws -> TokenAuthority {
        let tokens = TokenAuthority(issuer: ServerConfiguration().issuer)
        try await tokens.load(try await store.signingKeys())
        return tokens
    }

    /// A PAT for `userId`, with its credential and the full-admin role, valid for a day. Returns the token.
    static func pat(
        _ store: any SignetStore,
        organization: Organization,
        userId: String,
        key: PublicKey,
        tokens: TokenAuthority,
        name: String = "bench-\(UUID().uuidString.prefix(8))"
    ) async throws -> (token: String, record: AccessTokenRecord) {
        let now = Date()
        let tokenId = Identifier.make(.token)
        let token = try await tokens.mint(
            audience: .access,
            id: tokenId,
            username: userId,
            metadata: AppMetadata(userId: userId, orgId: organization.orgId, tokenKind: .pat),
            expiresAt: now + 86_400
        )
        let record = try await store.transaction { store in
            try await insertPat(
                into: store,
                id: tokenId,
                orgId: organization.orgId,
                userId: userId,
                roleId: organization.fullAdminRoleId,
                key: key,
                name: name,
                tokenDigest: TokenDigest.of(token),
                now: now,
                expiresAt: now + 86_400
            )
        }
        return (token, record)
    }
}

extension Fixture {
    /// Inserts a PAT record with its Key credential and one role assignment; call it inside a transaction.
    @discardableResult
    static func insertPat(
        into store: any SignetStore,
        id tokenId: String,
        orgId: String,
        userId: String,
        roleId: String,
        key: PublicKey,
        name: String,
        tokenDigest: String,
        now: Date,
        expiresAt: Date
    ) async throws -> AccessTokenRecord {
        let credential = CredentialRecord(
            uuid: Identifier.make(.credential),
            orgId: orgId,
            credentialId: Identifier.make(.credentialID),
            identityId: tokenId,
            name: name,
            publicKeyPEM: key.pemRepresentation,
            fingerprint: key.fingerprint,
            algorithm: key.algorithm,
            createdAt: now
        )
        let record = AccessTokenRecord(
            id: tokenId,
            orgId: orgId,
            kind: .pat,
            userId: userId,
            credentialUuid: credential.uuid,
            name: name,
            tokenDigest: tokenDigest,
            createdAt: now,
            expiresAt: expiresAt
        )
        try await store.insertCredential(credential)
        try await store.insertToken(record)
        try await store.insertAssignment(
            AssignmentRecord(id: Identifier.make(.assignment), orgId: orgId, permissionId: roleId, identityId: tokenId, createdAt: now)
        )
        return record
    }
}

/// A usage error with a message for the person running the benchmark.
struct ValidationFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
