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

    /// Every PAT of `userId` as the API returns them, in four reads whatever their number (the
    /// tokens, all their credentials, all their roles, their last uses): no query per token.
    func presentPats(of userId: String) async throws -> [AccessToken] {
        let tokens = try await store.tokens(userId: userId, kind: .pat)
        guard !tokens.isEmpty else { return [] }
        let credentials = Dictionary(grouping: try await store.tokenCredentials(userId: userId, kind: .pat), by: \.identityId)
        let roles = Dictionary(grouping: try await store.tokenAssignedRoles(userId: userId, kind: .pat), by: \.0.identityId)
        let lastUses = try await store.lastUses(tokenIds: tokens.map(\.id))
        return tokens.map { token in
            present(token, credentials: credentials[token.id] ?? [], roles: roles[token.id] ?? [], accessToken: nil, lastUsed: lastUses[token.id])
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
            lastUsed: try await store.lastUses(tokenIds: [token.id])[token.id]
        )
    }

    /// The token as the API returns it, from relations already read (the batch presenters' form).
    func present(
        _ token: AccessTokenRecord,
        credentials: [CredentialRecord],
        roles: [(AssignmentRecord, RoleRecord)],
        accessToken: String?,
        lastUsed: Date?
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
            dateExpires: token.expiresAt,
            dateLastUsed: lastUsed
        )
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
