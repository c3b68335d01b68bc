import SignetAPI
import SignetCore
import SignetStore

/// Builds the wire form of users and service accounts a batch at a time: one read per relation
/// (credentials, roles, tokens) whatever the number of users, so a page of 500 costs what a page
/// of 2 does. A single user is a batch of one.
struct UserPresenter: Sendable {
    let store: any SignetStore
    let tokens: TokenPresenter

    /// What a batch of users needs besides their own rows, read once per relation.
    private struct Relations {
        let credentials: [String: [CredentialRecord]]
        let roles: [String: [(AssignmentRecord, RoleRecord)]]
        /// The roles each user holds through user groups.
        let groupRoles: [String: [RoleRecord]]
    }

    private func relations(of users: [UserRecord]) async throws -> Relations {
        let ids = users.map(\.id)
        return Relations(
            credentials: Dictionary(grouping: try await store.credentials(identityIds: ids), by: \.identityId),
            roles: Dictionary(grouping: try await store.assignedRoles(identityIds: ids), by: \.0.identityId),
            groupRoles: Dictionary(grouping: try await store.groupAssignedRoles(userIds: ids), by: \.userId).mapValues { $0.map(\.role) }
        )
    }

    /// The user as `userInfo` / `User`.
    func present(_ user: UserRecord) async throws -> UserInfo {
        let relations = try await relations(of: [user])
        return info(user, relations)
    }

    /// Users as `userInfo` / `User`, in their order.
    func present(_ users: [UserRecord]) async throws -> [UserInfo] {
        let relations = try await relations(of: users)
        return users.map { info($0, relations) }
    }

    private func info(_ user: UserRecord, _ relations: Relations) -> UserInfo {
        let credentials = relations.credentials[user.id] ?? []
        let roles = relations.roles[user.id] ?? []
        // What the non-archived roles grant together, their own and their groups', as
        // `SignetStore.permissions(identityId:)` reads it. `permissionAssignments` lists only their
        // own: revoking a listed assignment must not take a role from a whole group.
        let held = roles.map(\.1) + (relations.groupRoles[user.id] ?? [])
        let permissions = held.filter { !$0.isArchived }.reduce(PermissionSet.none) { $0.union($1.permissionSet) }
        return UserInfo(
            username: user.username,
            name: user.name,
            userId: user.id,
            kind: user.kind,
            credentialUuid: credentials.last(where: \.isActive)?.uuid ?? "",
            orgId: user.orgId,
            permissions: permissions.grantsAll ? OperationCatalog.current : permissions.operations.sorted(),
            isActive: user.isActive,
            isServiceAccount: user.isServiceAccount,
            isRegistered: !credentials.isEmpty,
            permissionAssignments: roles.map(TokenPresenter.assignment),
            externalId: user.externalId,
            isSSORequired: user.isServiceAccount ? nil : user.isSSORequired
        )
    }

    /// A service account with its tokens; `accessToken` is set only when just created.
    func serviceAccount(_ user: UserRecord, accessToken: String? = nil) async throws -> ServiceAccount {
        let accounts = try await serviceAccounts([user], accessToken: accessToken)
        guard let account = accounts.first else { throw APIError.notFound("service account \(user.id) not found") }
        return account
    }

    /// Service accounts with their tokens, in their order. A service account's token signs with the
    /// account's credentials and holds the account's roles, so the tokens need no reads of their own.
    func serviceAccounts(_ users: [UserRecord], accessToken: String? = nil) async throws -> [ServiceAccount] {
        let relations = try await relations(of: users)
        let allTokens = try await store.tokens(userIds: users.map(\.id), kind: .serviceAccount)
        let tokensByUser = Dictionary(grouping: allTokens, by: \.userId)
        let extras = try await TokenExtras.read(allTokens, orgId: allTokens.first?.orgId ?? "", store: store)
        return users.map { user in
            let items = (tokensByUser[user.id] ?? []).map { token in
                tokens.present(
                    token,
                    credentials: relations.credentials[user.id] ?? [],
                    roles: relations.roles[user.id] ?? [],
                    accessToken: accessToken,
                    extras: extras
                )
            }
            return ServiceAccount(userInfo: info(user, relations), accessTokens: items)
        }
    }
}
