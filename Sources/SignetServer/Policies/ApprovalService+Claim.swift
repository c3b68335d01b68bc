import Foundation
import SignetAPI
import SignetCore
import SignetStore

/// The services that make a PAT or service account whose creation was approved.
struct TokenIssuers: Sendable {
    let pats: PatService
    let serviceAccounts: ServiceAccountService
    let permissions: PermissionService
}

extension ApprovalService {
    /// `POST /v2/policy-approvals/{id}/claim`: the initiator of an approved PAT or service-account
    /// creation receives it, with its token, exactly once. Everything is checked again as for a
    /// creation now (the caller may still create such tokens, the name is free, the key new, the
    /// roles live and, for a service account, grantable); the token is made here and never stored.
    /// The approval's change becomes `Applied` in the same transaction, under the approval's lock.
    func claim(_ id: String, caller: Caller) async throws -> ClaimedToken {
        let now = self.now()
        let issuers = self.issuers
        // What reads through the authorization cache is checked before the transaction.
        let asked = try await claimable(id, caller: caller, store: store)
        if asked.tokenKind == "ServiceAccount" {
            guard caller.user.kind == .customerEmployee else { throw PermissionService.deniedToKind(.serviceAccountsCreate, caller) }
            try await issuers.permissions.require(.serviceAccountsCreate, for: caller)
            try await issuers.serviceAccounts.requireGrantable(asked, caller: caller)
        } else {
            guard caller.isUserLogin, caller.user.kind == .customerEmployee || caller.user.kind == .endUser else {
                throw PermissionService.deniedToKind(.patsCreate, caller)
            }
            try await issuers.permissions.require(.patsCreate, for: caller)
        }
        let issued = try await store.transaction { store -> Issued in
            try await store.lock("approval:\(id)")
            let held = try await claimable(id, caller: caller, store: store)
            let record = try await approval(id, orgId: caller.orgId, store: store)
            var activity = try Self.activity(record)
            let made: Issued
            if held.tokenKind == "ServiceAccount" {
                let (user, token) = try await issuers.serviceAccounts.issue(held, caller: caller, store: store, now: now)
                activity.changeRequest.entityId = user.id
                made = .serviceAccount(user, token)
            } else {
                let (token, secret) = try await issuers.pats.issue(held, caller: caller, store: store, now: now)
                activity.changeRequest.entityId = token.id
                made = .pat(token, secret)
            }
            activity.changeRequest.status = "Applied"
            guard try await store.recordForward(id: record.id, activity: try PolicyCodec.json(activity), at: now) else {
                throw APIError.conflict("approval \(id) changed meanwhile")
            }
            return made
        }
        switch issued {
        case .pat(let token, let secret):
            return .personalAccessToken(try await issuers.pats.presenter.present(token, signingIdentityId: token.id, accessToken: secret))
        case .serviceAccount(let user, let secret):
            return .serviceAccount(try await issuers.serviceAccounts.presenter.serviceAccount(user, accessToken: secret))
        }
    }

    /// The token creation approval `id` holds for `caller` to claim: theirs, approved, not claimed yet.
    private func claimable(_ id: String, caller: Caller, store: any SignetStore) async throws -> HeldTokenRequest {
        let record = try await approval(id, orgId: caller.orgId, store: store)
        let activity = try Self.activity(record)
        guard ExactText.equals(record.initiatorId, caller.userId) else {
            throw APIError.forbidden("only the person who asked for it may claim what approval \(id) approved")
        }
        guard record.status == "Approved", activity.changeRequest.status == "Claimable", case .token(let held) = activity.changeRequest.body else {
            throw APIError.conflict(
                "approval \(id) holds nothing to claim (it is \(record.status), its change \(activity.changeRequest.status))",
                details: ["kind": "NothingToClaim"]
            )
        }
        return held
    }

    /// What a claim wrote, and the token made (shown once).
    enum Issued: Sendable {
        case pat(AccessTokenRecord, String)
        case serviceAccount(UserRecord, String)
    }
}
