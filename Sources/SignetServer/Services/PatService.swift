import Foundation
import SignetAPI
import SignetCore
import SignetStore

/// Personal access tokens: created by a logged-in person, acting as that person with at most
/// their permissions, each with its own keypair.
///
/// Who may do what (where Dfns is silent, the safest reading):
/// - only a person's login session creates a PAT (a PAT or a service account gets 403);
/// - a session manages every PAT of its user;
/// - a PAT may read its user's PATs, and may rename, deactivate or delete itself, but not others.
struct PatService: Sendable {
    let store: any SignetStore
    let tokens: TokenAuthority
    let permissions: PermissionService
    let presenter: TokenPresenter
    let maximumDays: Int
    /// Where a creation an `Auth:Pats:Create` policy covers is held for approval.
    let policies: PolicyGate
    /// The current time (injectable, so tests can move it instead of sleeping).
    let now: @Sendable () -> Date

    /// `POST /auth/pats` (the route has required `Auth:Pats:Create`). Held for approval (202)
    /// when an `Auth:Pats:Create` policy covers a role it would hold; its initiator claims it once
    /// approved (``issue(_:caller:store:now:)``), and only then is its token made.
    func create(_ request: CreatePersonalAccessTokenRequest, caller: Caller) async throws -> Governed<AccessToken> {
        let held = try await prepare(request, caller: caller)
        let activity = PolicyActivity(kind: Self.activityKind, permissionIds: held.permissionIds)
        let change = HeldChange(kind: "PersonalAccessToken", operationKind: "Create", entityId: "", body: .token(held))
        let outcome = try await policies.outcome(of: activity, orgId: caller.orgId)
        if let pending = try await policies.hold(change, activityKind: Self.activityKind, outcome: outcome, caller: caller) { return .held(pending) }
        let (record, accessToken) = try await nameRaceIsConflict(held.name, userId: caller.userId, except: nil) {
            try await store.transaction { store in try await issue(held, caller: caller, store: store, now: now()) }
        }
        return .done(try await presenter.present(record, signingIdentityId: record.id, accessToken: accessToken))
    }

    /// The activity kind of a PAT's creation, as policies name it (a Signet kind).
    static let activityKind = "Auth:Pats:Create"

    /// The PAT `request` asks for, checked: its name, lifetime, key and roles. Without a
    /// `permissionId` the PAT gets copies of the roles its user holds now (through user groups too);
    /// later grants to the user do not widen it. Either way it never exceeds its user.
    private func prepare(_ request: CreatePersonalAccessTokenRequest, caller: Caller) async throws -> HeldTokenRequest {
        guard caller.isUserLogin, caller.user.kind == .customerEmployee || caller.user.kind == .endUser else {
            throw PermissionService.deniedToKind(.patsCreate, caller)
        }
        let name = try Validate.name(request.name)
        let externalId = try Validate.externalId(request.externalId)
        // The organisation may allow less than the server does.
        let allowed = min(maximumDays, try await store.organization(id: caller.orgId)?.maximumPatLifetimeDays ?? maximumDays)
        let lifetime = try Validate.lifetime(days: request.daysValid, seconds: request.secondsValid, maximumDays: allowed)
        let publicKey = try Validate.publicKey(request.publicKey)
        let roleIds: [String]
        if let permissionId = request.permissionId {
            roleIds = [try await Validate.assignableRole(permissionId, orgId: caller.orgId, store: store).id]
        } else {
            let own = try await store.assignedRoles(identityId: caller.userId).map(\.1)
            let throughGroups = try await store.groupAssignedRoles(userIds: [caller.userId]).map(\.role)
            var seen = Set<String>()
            roleIds = (own + throughGroups).filter { !$0.isArchived && seen.insert($0.id).inserted }.map(\.id)
        }
        try await requireUnusedName(name, userId: caller.userId, except: nil)
        try await Validate.keyIsNew(publicKey, orgId: caller.orgId, store: store)
        return HeldTokenRequest(
            tokenKind: "Pat",
            name: name,
            externalId: externalId,
            publicKey: request.publicKey,
            permissionIds: roleIds,
            secondsValid: Int(lifetime)
        )
    }

    /// Writes the PAT `held` describes for `caller` through `store` (a transaction's), checking
    /// again what may have changed since it was asked for (its name, its key, its roles), and makes
    /// its token: returned here, never stored.
    func issue(_ held: HeldTokenRequest, caller: Caller, store: any SignetStore, now: Date) async throws -> (AccessTokenRecord, String) {
        let publicKey = try Validate.publicKey(held.publicKey)
        for roleId in held.permissionIds { _ = try await Validate.assignableRole(roleId, orgId: caller.orgId, store: store) }
        try await requireUnusedName(held.name, userId: caller.userId, except: nil, store: store)
        try await Validate.keyIsNew(publicKey, orgId: caller.orgId, store: store)
        let tokenId = Identifier.make(.token)
        // The organisation's limit may have shortened since it was asked for.
        let allowed = min(maximumDays, try await store.organization(id: caller.orgId)?.maximumPatLifetimeDays ?? maximumDays)
        let expiresAt = now.addingTimeInterval(min(TimeInterval(held.secondsValid), TimeInterval(allowed) * 86_400))
        let accessToken = try await tokens.mint(
            audience: .access,
            id: tokenId,
            username: caller.user.username,
            metadata: AppMetadata(userId: caller.userId, orgId: caller.orgId, tokenKind: .pat),
            issuedAt: now,
            expiresAt: expiresAt
        )
        let credential = CredentialRecord.key(orgId: caller.orgId, identityId: tokenId, name: held.name, publicKey: publicKey, createdAt: now)
        let record = AccessTokenRecord(
            id: tokenId,
            orgId: caller.orgId,
            kind: .pat,
            userId: caller.userId,
            credentialUuid: credential.uuid,
            name: held.name,
            externalId: held.externalId,
            tokenDigest: TokenDigest.of(accessToken),
            createdAt: now,
            expiresAt: expiresAt
        )
        try await Events.record(.tokenCreated, orgId: record.orgId, data: .init(requester: Events.requester(caller), token: Events.token(record)), in: store, at: now)
        try await store.insertCredential(credential)
        try await store.insertToken(record)
        for roleId in Set(held.permissionIds) {
            try await store.insertAssignment(
                AssignmentRecord(id: Identifier.make(.assignment), orgId: record.orgId, permissionId: roleId, identityId: tokenId, createdAt: now)
            )
        }
        return (record, accessToken)
    }

    /// A 409 naming the field when the user has a live PAT of that name (``AccessTokenRecord/nameKey``).
    private func requireUnusedName(_ name: String, userId: String, except tokenId: String?, store: (any SignetStore)? = nil) async throws {
        let store = store ?? self.store
        if try await store.patNameInUse(key: AccessTokenRecord.key(for: name), userId: userId, except: tokenId) {
            throw APIError.conflict("you already have a personal access token named '\(name)'", details: ["duplicate": "name"])
        }
    }

    /// Runs a write; when the database refuses it as a duplicate and the name is now taken (another
    /// request won the race past ``requireUnusedName(_:userId:except:)``), the same friendly 409.
    private func nameRaceIsConflict<T>(_ name: String, userId: String, except tokenId: String?, _ write: () async throws -> T) async throws -> T {
        do {
            return try await write()
        } catch StoreError.conflict(let detail) {
            try await requireUnusedName(name, userId: userId, except: tokenId)
            throw StoreError.conflict(detail)
        }
    }

    /// `GET /auth/pats`: the PATs of the caller's user.
    func list(caller: Caller) async throws -> ListResponse<AccessToken> {
        ListResponse(items: try await presenter.presentPats(of: caller.userId))
    }

    /// `GET /auth/users/{userId}/pats` (Signet's addition, for the dashboard's Users page): another
    /// person's PATs, never their tokens. The caller needs `Auth:Users:Read` and every operation
    /// that person holds: whoever could act as them may see what acts for them.
    /// The route has required `Auth:Users:Read`.
    func list(ofUser userId: String, caller: Caller) async throws -> ListResponse<AccessToken> {
        guard let user = try await store.user(id: userId), ExactText.equals(user.orgId, caller.orgId), !user.isDeleted, !user.isServiceAccount
        else { throw APIError.notFound("no person \(TextRules.escaped(userId)) in this organisation") }
        let missing = try await permissions.effective(for: caller).missing(from: try await store.permissions(identityId: user.id))
        guard missing.isEmpty else {
            throw APIError.forbidden(
                "\(caller.errorName) may not see the PATs of \(user.id): they hold operations the caller does not (\(missing.joined(separator: ", ")))"
            )
        }
        return ListResponse(items: try await presenter.presentPats(of: user.id))
    }

    /// `GET /auth/pats/{tokenId}`.
    func get(_ tokenId: String, caller: Caller) async throws -> AccessToken {
        let token = try await ownedPat(tokenId, caller: caller, mutating: false)
        return try await presenter.present(token, signingIdentityId: token.id)
    }

    /// `PUT /auth/pats/{tokenId}`. Writes the name and external id only, never the token's state.
    func update(_ tokenId: String, _ request: UpdatePersonalAccessTokenRequest, caller: Caller) async throws -> AccessToken {
        let token = try await ownedPat(tokenId, caller: caller, mutating: true)
        var name = token.name
        if let requested = request.name {
            name = try Validate.name(requested)
            try await requireUnusedName(name, userId: token.userId, except: token.id)
        }
        let externalId = request.externalId != nil ? try Validate.externalId(request.externalId) : token.externalId
        let updated = try await nameRaceIsConflict(name, userId: token.userId, except: token.id) {
            try await store.updateTokenDetails(id: token.id, name: name, externalId: externalId, at: now())
        }
        return try await present(updated, tokenId)
    }

    /// `PUT /auth/pats/{tokenId}/activate` and `…/deactivate`. Deactivating twice is not an error.
    func setActive(_ tokenId: String, _ isActive: Bool, caller: Caller) async throws -> AccessToken {
        let token = try await ownedPat(tokenId, caller: caller, mutating: true)
        if isActive, token.expiresAt <= now() {
            throw APIError.conflict(
                "personal access token \(token.id) expired at \(ISO8601DateFormatter().string(from: token.expiresAt)) and cannot be reactivated; create a new one",
                details: ["expired": "true"]
            )
        }
        guard token.isActive != isActive else { return try await presenter.present(token, signingIdentityId: token.id) }
        let date = now()
        let changed = try await Events.recording(in: store, at: date) { store in
            try await store.setTokenActive(id: token.id, isActive: isActive, at: date)
        } event: { changed in
            changed.map {
                (isActive ? .tokenReactivated : .tokenDeactivated, $0.orgId, .init(requester: Events.requester(caller), token: Events.token($0)))
            }
        }
        return try await present(changed, tokenId)
    }

    /// `DELETE /auth/pats/{tokenId}`: ends the token for good. The record stays for the audit log.
    func delete(_ tokenId: String, caller: Caller) async throws -> AccessToken {
        let token = try await ownedPat(tokenId, caller: caller, mutating: true)
        let date = now()
        let deleted = try await Events.recording(in: store, at: date) { store in
            try await store.deleteToken(id: token.id, at: date)
        } event: { deleted in
            deleted.map { (.tokenDeleted, $0.orgId, .init(requester: Events.requester(caller), token: Events.token($0))) }
        }
        return try await present(deleted, tokenId)
    }

    /// The token as the write left it, or 404 when it was deleted in the meantime.
    private func present(_ token: AccessTokenRecord?, _ tokenId: String) async throws -> AccessToken {
        guard let token else { throw APIError.notFound("personal access token \(tokenId) not found") }
        return try await presenter.present(token, signingIdentityId: token.id)
    }

    /// A live PAT of the caller's user, or 404 (the same answer whether it exists elsewhere or not).
    private func ownedPat(_ tokenId: String, caller: Caller, mutating: Bool) async throws -> AccessTokenRecord {
        let notFound = APIError.notFound("personal access token \(tokenId) not found")
        guard Identifier.isWellFormed(tokenId, prefix: .token), let token = try await store.token(id: tokenId),
            token.kind == .pat, !token.isDeleted, token.userId == caller.userId, token.orgId == caller.orgId
        else { throw notFound }
        if mutating, caller.token.kind == .pat, caller.token.id != token.id {
            throw APIError.forbidden(
                "\(caller.errorName) may change only itself; manage other tokens from a login session"
            )
        }
        return token
    }
}
