import Foundation
import SignetAPI
import SignetCore
import SignetStore

/// People of the organisation.
struct UserService: Sendable {
    let store: any SignetStore
    let permissions: PermissionService
    let guardrails: AdminGuard
    let presenter: UserPresenter
    /// Issues the registration code of a person created without a key.
    let registration: RegistrationService
    /// Deleting a person a policy names as an approver is refused.
    let policies: PolicyGate
    /// The current time (injectable, so tests can move it instead of sleeping).
    let now: @Sendable () -> Date

    func list(_ pagination: Pagination, kind: String?, caller: Caller) async throws -> ListResponse<User> {
        var kindFilter: UserKind?
        if let kind {
            guard let parsed = UserKind(rawValue: kind) else {
                throw APIError.badRequest("kind must be one of \(UserKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            kindFilter = parsed
        }
        let users = try await store.users(
            orgId: caller.orgId,
            serviceAccounts: false,
            kind: kindFilter,
            afterId: pagination.afterId,
            limit: pagination.fetchLimit
        )
        let page = pagination.page(users, id: \.id)
        return ListResponse(items: try await presenter.present(page.items), nextPageToken: page.nextPageToken)
    }

    func get(_ id: String, caller: Caller) async throws -> User {
        return try await presenter.present(try await person(id, caller: caller))
    }

    /// `POST /auth/users`. With a public key the user gets a Key credential and can log in at once;
    /// without one, the answer carries a one-time registration code (a Signet extension).
    func create(_ request: CreateUserRequest, caller: Caller) async throws -> User {
        guard request.kind == .customerEmployee else {
            throw APIError.badRequest(
                "kind must be CustomerEmployee; end users are created through delegated registration, which Signet does not offer yet"
            )
        }
        guard request.isSSORequired != true else {
            throw APIError.badRequest("isSSORequired must be false: Signet has no single sign-on")
        }
        let email = request.email.trimmingCharacters(in: .whitespacesAndNewlines)
        guard OrganizationBootstrap.isEmail(email) else { throw APIError.invalid("email", "field 'email' is not an email address") }
        let externalId = try Validate.externalId(request.externalId)
        let publicKey = try request.publicKey.map { try Validate.publicKey($0) }
        if try await store.user(orgId: caller.orgId, username: email) != nil {
            throw APIError.conflict("a user with email \(email) already exists", details: ["duplicate": "email"])
        }
        if let publicKey { try await Validate.keyIsNew(publicKey, orgId: caller.orgId, store: store) }
        let now = self.now()
        let user = UserRecord(
            id: Identifier.make(.user),
            orgId: caller.orgId,
            username: email,
            name: email,
            kind: .customerEmployee,
            isRegistered: publicKey != nil,
            externalId: externalId,
            createdBy: caller.userId,
            createdAt: now
        )
        try await store.transaction { store in
            try await store.insertUser(user)
            try await Events.record(
                .userInvited,
                orgId: user.orgId,
                data: .init(requester: Events.requester(caller), user: Events.user(user)),
                in: store,
                at: now
            )
            if let publicKey {
                try await store.insertCredential(
                    CredentialRecord.key(orgId: caller.orgId, identityId: user.id, name: "Key", publicKey: publicKey, createdAt: now)
                )
            }
        }
        var presented = try await presenter.present(user)
        if publicKey == nil {
            // Shown once, to the administrator who creates the person (Signet sends no mail).
            (presented.registrationCode, presented.registrationCodeExpiresAt) = try await registration.issueCode(for: user)
        }
        return presented
    }

    func update(_ id: String, _ request: UpdateUserRequest, caller: Caller) async throws -> User {
        let user = try await person(id, caller: caller)
        guard !request.isSSORequired else { throw APIError.badRequest("isSSORequired must be false: Signet has no single sign-on") }
        return try await presenter.present(user)
    }

    /// Activation restores the user's PATs (they were never changed); login sessions ended by the
    /// deactivation stay ended.
    func activate(_ id: String, caller: Caller) async throws -> User {
        let user = try await person(id, caller: caller)
        guard !user.isActive else { return try await presenter.present(user) }
        let date = now()
        let changed = try await Events.recording(in: store, at: date) { store in
            try await store.setUserActive(id: user.id, isActive: true, at: date)
        } event: { changed in
            changed.map { (.userReactivated, $0.orgId, .init(requester: Events.requester(caller), user: Events.user($0))) }
        }
        guard let updated = changed else { throw APIError.notFound("user \(id) not found") }
        return try await presenter.present(updated)
    }

    /// Deactivation refuses every token of the user from the next request on, and ends their login sessions.
    func deactivate(_ id: String, caller: Caller) async throws -> User {
        // Dfns: PATs and end users may not deactivate users.
        guard caller.token.kind != .pat, caller.user.kind == .customerEmployee else {
            throw PermissionService.deniedToKind(.usersDeactivate, caller)
        }
        let user = try await person(id, caller: caller)
        try guardrails.requireNotSelf(user.id, caller: caller, action: "deactivate")
        guard user.isActive else { return try await presenter.present(user) }
        let now = self.now()
        let updated = try await guardrails.keepingAnAdministrator(orgId: caller.orgId, reason: "deactivating \(user.username)") {
            [user] store in
            let updated = try await store.setUserActive(id: user.id, isActive: false, at: now)
            try await store.deactivateLoginSessions(userId: user.id, at: now)
            if let updated {
                let data = WebhookEventData(requester: Events.requester(caller), user: Events.user(updated))
                try await Events.record(.userDeactivated, orgId: updated.orgId, data: data, in: store, at: now)
            }
            return updated
        }
        guard let updated else { throw APIError.notFound("user \(id) not found") }
        return try await presenter.present(updated)
    }

    /// Deletion ends the user, their sessions and their PATs for good, and deactivates their
    /// credentials; the records stay for the audit log, and the email can be used again.
    func delete(_ id: String, caller: Caller) async throws -> User {
        var user = try await person(id, caller: caller)
        try guardrails.requireNotSelf(user.id, caller: caller, action: "delete")
        try await policies.requireNotNamedApprover(user.id, orgId: caller.orgId)
        let (date, requester) = (now(), Events.requester(caller))
        user = try await guardrails.keepingAnAdministrator(orgId: caller.orgId, reason: "deleting \(user.username)") { [user] store in
            try await store.retire(user, tokenKind: .pat, at: date, requester: requester)
        }
        return try await presenter.present(user)
    }

    /// A live person of the caller's organisation, or 404.
    private func person(_ id: String, caller: Caller) async throws -> UserRecord {
        guard Identifier.isWellFormed(id, prefix: .user), let user = try await store.user(id: id), !user.isServiceAccount,
            !user.isDeleted, user.orgId == caller.orgId
        else { throw APIError.notFound("user \(id) not found") }
        return user
    }
}
