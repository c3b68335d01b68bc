import SignetAPI
import SignetCore
import SignetStore

/// Builds the wire form of users and service accounts.
struct UserPresenter: Sendable {
    let store: any SignetStore
    let tokens: TokenPresenter

    /// The user as `userInfo` / `User`.
    func present(_ user: UserRecord) async throws -> UserInfo {
        let credentials = try await store.credentials(identityId: user.id)
        let permissions = try await store.permissions(identityId: user.id)
        return UserInfo(
            username: user.username, name: user.name, userId: user.id, kind: user.kind,
            credentialUuid: credentials.last(where: \.isActive)?.uuid ?? "", orgId: user.orgId,
            permissions: permissions.grantsAll ? OperationCatalog.current : permissions.operations.sorted(),
            isActive: user.isActive, isServiceAccount: user.isServiceAccount, isRegistered: !credentials.isEmpty,
            permissionAssignments: try await tokens.assignments(of: user.id), externalId: user.externalId,
            isSSORequired: user.isServiceAccount ? nil : user.isSSORequired)
    }

    /// A service account with its tokens; `accessToken` is set only when just created.
    func serviceAccount(_ user: UserRecord, accessToken: String? = nil) async throws -> ServiceAccount {
        var items: [AccessToken] = []
        for token in try await store.tokens(userId: user.id, kind: .serviceAccount) {
            items.append(try await tokens.present(token, signingIdentityId: user.id, accessToken: accessToken))
        }
        return ServiceAccount(userInfo: try await present(user), accessTokens: items)
    }
}
