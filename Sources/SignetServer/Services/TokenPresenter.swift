import Foundation
import SignetAPI
import SignetCore
import SignetStore

/// Builds the wire form of PATs and service-account tokens from their records.
struct TokenPresenter: Sendable {
    let store: any SignetStore

    /// The roles assigned to an identity, as `permissionAssignments`.
    func assignments(of identityId: String) async throws -> [PermissionAssignmentInfo] {
        try await store.assignedRoles(identityId: identityId).map(Self.assignment)
    }

    /// Every PAT of `userId` as the API returns them, in a fixed number of reads whatever their
    /// number (the tokens, all their credentials, all their roles, ``TokenExtras``): no query per token.
    func presentPats(of userId: String) async throws -> [AccessToken] {
        let tokens = try await store.tokens(userId: userId, kind: .pat)
        guard let first = tokens.first else { return [] }
        let credentials = Dictionary(grouping: try await store.tokenCredentials(userId: userId, kind: .pat), by: \.identityId)
        let roles = Dictionary(grouping: try await store.tokenAssignedRoles(userId: userId, kind: .pat), by: \.0.identityId)
        let extras = try await TokenExtras.read(tokens, orgId: first.orgId, store: store)
        return tokens.map { token in
            present(token, credentials: credentials[token.id] ?? [], roles: roles[token.id] ?? [], accessToken: nil, extras: extras)
        }
    }

    /// The token as the API returns it. `credId` and `publicKey` are those of the credential that
    /// signs for it now: the newest active one, or the original when all are deactivated.
    func present(_ token: AccessTokenRecord, signingIdentityId: String, accessToken: String? = nil) async throws -> AccessToken {
        present(
            token,
            credentials: try await store.credentials(identityId: signingIdentityId),
            roles: try await store.assignedRoles(identityId: token.kind == .pat ? token.id : token.userId),
            accessToken: accessToken,
            extras: try await TokenExtras.read([token], orgId: token.orgId, store: store)
        )
    }

    /// The token as the API returns it, from relations already read (the batch presenters' form).
    func present(
        _ token: AccessTokenRecord,
        credentials: [CredentialRecord],
        roles: [(AssignmentRecord, RoleRecord)],
        accessToken: String?,
        extras: TokenExtras
    ) -> AccessToken {
        let credential = credentials.last(where: \.isActive) ?? credentials.first { $0.uuid == token.credentialUuid }
        return AccessToken(
            accessToken: accessToken,
            dateCreated: token.createdAt,
            credId: credential?.credentialId ?? "",
            isActive: token.isActive,
            kind: token.kind,
            linkedUserId: token.userId,
            name: token.name,
            orgId: token.orgId,
            permissionAssignments: roles.map(Self.assignment),
            publicKey: credential?.publicKeyPEM ?? "",
            tokenId: token.id,
            externalId: token.externalId,
            dateExpires: extras.expiry(of: token),
            dateLastUsed: extras.lastUsed[token.id],
            lastUsedBy: extras.clients[token.id].map { $0.map(Self.client) }
        )
    }

    static func client(_ row: TokenClientRow) -> TokenClient {
        TokenClient(address: row.address.isEmpty ? nil : row.address, userAgent: row.userAgent.isEmpty ? nil : row.userAgent, dateLastUsed: row.lastUsedAt)
    }

    static func assignment(_ pair: (AssignmentRecord, RoleRecord)) -> PermissionAssignmentInfo {
        let (assignment, role) = pair
        return PermissionAssignmentInfo(
            permissionName: role.name,
            permissionId: role.id,
            assignmentId: assignment.id,
            operations: role.grantsAll ? OperationCatalog.current : role.operations
        )
    }
}

/// What the API shows of tokens beyond their records, read once for a whole list: when each was
/// last used and by which clients, and the organisation's PAT lifetime limit (which can end a PAT
/// before its own expiry: `dateExpires` shows whichever comes first).
struct TokenExtras: Sendable {
    var lastUsed: [String: Date] = [:]
    var clients: [String: [TokenClientRow]] = [:]
    var maximumPatLifetimeDays: Int?

    /// Three reads whatever the number of tokens (all of one organisation).
    static func read(_ tokens: [AccessTokenRecord], orgId: String, store: any SignetStore) async throws -> TokenExtras {
        guard !tokens.isEmpty else { return TokenExtras() }
        let ids = tokens.map(\.id)
        return TokenExtras(
            lastUsed: try await store.lastUses(tokenIds: ids),
            clients: try await store.tokenClients(tokenIds: ids),
            maximumPatLifetimeDays: try await store.organization(id: orgId)?.maximumPatLifetimeDays
        )
    }

    /// When `token` stops working: its own expiry, or its organisation's limit when that comes first.
    func expiry(of token: AccessTokenRecord) -> Date {
        guard let limit = OrganizationSettingsService.limit(of: token, maximumDays: maximumPatLifetimeDays) else { return token.expiresAt }
        return min(token.expiresAt, limit)
    }
}
