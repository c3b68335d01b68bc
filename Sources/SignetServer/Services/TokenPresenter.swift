import SignetAPI
import SignetCore
import SignetStore

/// Builds the wire form of PATs and service-account tokens from their records.
struct TokenPresenter: Sendable {
    let store: any SignetStore

    /// The roles assigned to an identity, as `permissionAssignments`.
    func assignments(of identityId: String) async throws -> [PermissionAssignmentInfo] {
        try await store.assignedRoles(identityId: identityId).map { assignment, role in
            PermissionAssignmentInfo(
                permissionName: role.name, permissionId: role.id, assignmentId: assignment.id,
                operations: role.grantsAll ? OperationCatalog.current : role.operations)
        }
    }

    /// The token as the API returns it. `credId` and `publicKey` are those of the credential that
    /// signs for it now: the newest active one, or the original when all are deactivated.
    func present(_ token: AccessTokenRecord, signingIdentityId: String, accessToken: String? = nil) async throws -> AccessToken {
        let credentials = try await store.credentials(identityId: signingIdentityId)
        let credential = credentials.last(where: \.isActive) ?? credentials.first { $0.uuid == token.credentialUuid }
        return AccessToken(
            accessToken: accessToken, dateCreated: token.createdAt, credId: credential?.credentialId ?? "",
            isActive: token.isActive, kind: token.kind, linkedUserId: token.userId, name: token.name, orgId: token.orgId,
            permissionAssignments: try await assignments(of: token.kind == .pat ? token.id : token.userId),
            publicKey: credential?.publicKeyPEM ?? "", tokenId: token.id, externalId: token.externalId,
            dateExpires: token.expiresAt)
    }
}
