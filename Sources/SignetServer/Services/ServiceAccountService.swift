import Foundation
import SignetAPI
import SignetCore
import SignetStore

/// Service accounts: machine identities with their own keypair, permissions and lifecycle. What
/// happens to the user who created one changes nothing for it.
struct ServiceAccountService: Sendable {
    let store: any SignetStore
    let tokens: TokenAuthority
    let permissions: PermissionService
    let guardrails: AdminGuard
    let presenter: UserPresenter
    /// Creating an account with a role assigns it: refused when a `Permissions:Assign` policy covers
    /// that role; held when an `Auth:ServiceAccounts:Create` policy covers the creation.
    let policies: PolicyGate
    let maximumDays: Int
    /// The current time (injectable, so tests can move it instead of sleeping).
    let now: @Sendable () -> Date

    func list(caller: Caller) async throws -> ListResponse<ServiceAccount> {
        var items: [ServiceAccount] = []
        var afterId: String?
        while true {
            let page = try await store.users(orgId: caller.orgId, serviceAccounts: true, kind: nil, afterId: afterId, limit: 500)
            items += try await presenter.serviceAccounts(page)
            guard page.count == 500, let last = page.last else { break }
            afterId = last.id
        }
        return ListResponse(items: items)
    }

    func get(_ id: String, caller: Caller) async throws -> ServiceAccount {
        return try await presenter.serviceAccount(try await account(id, caller: caller))
    }

    /// `POST /auth/service-accounts`: the account, its Key credential, its token and its role, in one
    /// transaction. Held for approval (202) when an `Auth:ServiceAccounts:Create` policy covers it;
    /// its initiator claims it once approved, and only then is it made.
    func create(_ request: CreateServiceAccountRequest, caller: Caller) async throws -> Governed<ServiceAccount> {
        guard caller.user.kind == .customerEmployee else { throw PermissionService.deniedToKind(.serviceAccountsCreate, caller) }
        let name = try Validate.name(request.name)
        let externalId = try Validate.externalId(request.externalId)
        let lifetime = try Validate.lifetime(days: request.daysValid, seconds: nil, maximumDays: maximumDays)
        let publicKey = try Validate.publicKey(request.publicKey)
        let role = try await grantableRole(request.permissionId, caller: caller, store: store)
        try await requireUnusedName(name, orgId: caller.orgId, store: store)
        try await Validate.keyIsNew(publicKey, orgId: caller.orgId, store: store)
        let held = HeldTokenRequest(
            tokenKind: "ServiceAccount",
            name: name,
            externalId: externalId,
            publicKey: request.publicKey,
            permissionIds: role.map { [$0.id] } ?? [],
            secondsValid: Int(lifetime)
        )
        let activity = PolicyActivity(kind: Self.activityKind, permissionIds: held.permissionIds)
        let outcome = try await policies.outcome(of: activity, orgId: caller.orgId)
        let change = HeldChange(kind: "ServiceAccount", operationKind: "Create", entityId: "", body: .token(held))
        if let pending = try await policies.hold(change, activityKind: Self.activityKind, outcome: outcome, caller: caller) { return .held(pending) }
        let (user, accessToken) = try await store.transaction { store in try await issue(held, caller: caller, store: store, now: now()) }
        return .done(try await presenter.serviceAccount(user, accessToken: accessToken))
    }

    /// The activity kind of a service account's creation, as policies name it (a Signet kind).
    static let activityKind = "Auth:ServiceAccounts:Create"

    /// Whether `caller` may still give the role `held` names (before a claim's transaction: these
    /// checks read through the authorization cache, never inside a transaction).
    func requireGrantable(_ held: HeldTokenRequest, caller: Caller) async throws {
        _ = try await grantableRole(held.permissionIds.first, caller: caller, store: store)
    }

    /// Writes the account `held` describes through `store` (a transaction's), checking again what
    /// may have changed since it was asked for (its name, its key, its role still live; the right
    /// to grant it is checked before, ``requireGrantable(_:caller:)``), and makes its token:
    /// returned here, never stored.
    func issue(_ held: HeldTokenRequest, caller: Caller, store: any SignetStore, now: Date) async throws -> (UserRecord, String) {
        let publicKey = try Validate.publicKey(held.publicKey)
        var role: RoleRecord?
        if let roleId = held.permissionIds.first { role = try await Validate.assignableRole(roleId, orgId: caller.orgId, store: store) }
        try await requireUnusedName(held.name, orgId: caller.orgId, store: store)
        try await Validate.keyIsNew(publicKey, orgId: caller.orgId, store: store)
        let user = Self.account(named: held.name, externalId: held.externalId, caller: caller, now: now)
        let tokenId = Identifier.make(.token)
        let expiresAt = now.addingTimeInterval(min(TimeInterval(held.secondsValid), TimeInterval(maximumDays) * 86_400))
        let accessToken = try await tokens.mint(
            audience: .access,
            id: tokenId,
            username: held.name,
            metadata: AppMetadata(userId: user.id, orgId: caller.orgId, tokenKind: .serviceAccount),
            issuedAt: now,
            expiresAt: expiresAt
        )
        let credential = CredentialRecord.key(orgId: caller.orgId, identityId: user.id, name: held.name, publicKey: publicKey, createdAt: now)
        let token = AccessTokenRecord(
            id: tokenId,
            orgId: caller.orgId,
            kind: .serviceAccount,
            userId: user.id,
            credentialUuid: credential.uuid,
            name: held.name,
            tokenDigest: TokenDigest.of(accessToken),
            createdAt: now,
            expiresAt: expiresAt
        )
        try await store.insertUser(user)
        try await store.insertCredential(credential)
        try await store.insertToken(token)
        let data = WebhookEventData(requester: Events.requester(caller), token: Events.token(token), user: Events.user(user))
        try await Events.record(.tokenCreated, orgId: user.orgId, data: data, in: store, at: now)
        if let role {
            try await store.insertAssignment(
                AssignmentRecord(id: Identifier.make(.assignment), orgId: caller.orgId, permissionId: role.id, identityId: user.id, createdAt: now)
            )
        }
        return (user, accessToken)
    }

    private func requireUnusedName(_ name: String, orgId: String, store: any SignetStore) async throws {
        if try await store.user(orgId: orgId, username: name) != nil {
            throw APIError.conflict("a user or service account named '\(name)' already exists", details: ["duplicate": "name"])
        }
    }

    /// A new service account's user row, made by `caller`.
    private static func account(named name: String, externalId: String?, caller: Caller, now: Date) -> UserRecord {
        UserRecord(
            id: Identifier.make(.user),
            orgId: caller.orgId,
            username: name,
            name: name,
            kind: .customerEmployee,
            isServiceAccount: true,
            externalId: externalId,
            createdBy: caller.userId,
            createdAt: now
        )
    }

    /// The role a new account gets, checked: the caller may assign roles and grant this one.
    private func grantableRole(_ permissionId: String?, caller: Caller, store: any SignetStore) async throws -> RoleRecord? {
        guard let permissionId else { return nil }
        try await permissions.require(.permissionsAssign, for: caller)
        let role = try await Validate.assignableRole(permissionId, orgId: caller.orgId, store: store)
        try await guardrails.requireCanGrant(role.permissionSet, caller: caller, what: "permission \(role.id)")
        try await policies.requireNoneCovered(permissionIds: [role.id], orgId: caller.orgId, what: "creating a service account with a role", store: store)
        return role
    }

    func update(_ id: String, _ request: UpdateServiceAccountRequest, caller: Caller) async throws -> ServiceAccount {
        let user = try await account(id, caller: caller)
        var username = user.username
        var name = user.name
        if let requested = request.name {
            let requested = try Validate.name(requested)
            if let existing = try await store.user(orgId: caller.orgId, username: requested), existing.id != user.id {
                throw APIError.conflict("a user or service account named '\(requested)' already exists", details: ["duplicate": "name"])
            }
            username = requested
            name = requested
        }
        let externalId = request.externalId != nil ? try Validate.externalId(request.externalId) : user.externalId
        // Only the names are written: a deactivation or deletion racing this rename stays in force.
        guard let updated = try await store.updateUserNames(id: user.id, username: username, name: name, externalId: externalId, at: now())
        else { throw APIError.notFound("service account \(id) not found") }
        return try await presenter.serviceAccount(updated)
    }

    func setActive(_ id: String, _ isActive: Bool, caller: Caller) async throws -> ServiceAccount {
        let operation: OperationName = isActive ? .serviceAccountsActivate : .serviceAccountsDeactivate
        if !isActive {
            // Dfns: PATs and end users may not deactivate service accounts.
            guard caller.token.kind != .pat, caller.user.kind == .customerEmployee else {
                throw PermissionService.deniedToKind(operation, caller)
            }
        }
        let user = try await account(id, caller: caller)
        if !isActive { try guardrails.requireNotSelf(user.id, caller: caller, action: "deactivate") }
        guard user.isActive != isActive else { return try await presenter.serviceAccount(user) }
        let date = now()
        let changed = try await Events.recording(in: store, at: date) { store in
            try await store.setUserActive(id: user.id, isActive: isActive, at: date)
        } event: { changed in
            changed.map {
                (isActive ? .userReactivated : .userDeactivated, $0.orgId, .init(requester: Events.requester(caller), user: Events.user($0)))
            }
        }
        guard let updated = changed else { throw APIError.notFound("service account \(id) not found") }
        return try await presenter.serviceAccount(updated)
    }

    /// `DELETE`: the account and its tokens end for good; the records stay for the audit log.
    func delete(_ id: String, caller: Caller) async throws -> ServiceAccount {
        var user = try await account(id, caller: caller)
        try guardrails.requireNotSelf(user.id, caller: caller, action: "delete")
        let (date, requester) = (now(), Events.requester(caller))
        user = try await store.transaction { [user] store in
            try await store.retire(user, tokenKind: .serviceAccount, at: date, requester: requester)
        }
        return try await presenter.serviceAccount(user)
    }

    /// A live service account of the caller's organisation, or 404.
    private func account(_ id: String, caller: Caller) async throws -> UserRecord {
        guard Identifier.isWellFormed(id, prefix: .user), let user = try await store.user(id: id), user.isServiceAccount,
            !user.isDeleted, user.orgId == caller.orgId
        else { throw APIError.notFound("service account \(id) not found") }
        return user
    }
}
