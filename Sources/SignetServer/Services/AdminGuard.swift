import SignetAPI
import SignetCore
import SignetStore

/// The rules that keep an organisation governable.
struct AdminGuard: Sendable {
    let store: any SignetStore
    let permissions: PermissionService

    /// Nobody can grant what they do not hold: every operation of `granted` must be among the caller's
    /// effective permissions.
    func requireCanGrant(_ granted: PermissionSet, caller: Caller, what: String) async throws {
        let missing = try await permissions.effective(for: caller).missing(from: granted)
        guard missing.isEmpty else {
            throw APIError.forbidden(
                "\(caller.errorName) cannot grant \(what): it includes operations the caller does not hold (\(missing.joined(separator: ", ")))"
            )
        }
    }

    /// No one can deactivate or delete themselves.
    func requireNotSelf(_ userId: String, caller: Caller, action: String) throws {
        guard userId != caller.userId else {
            throw APIError.conflict("you cannot \(action) yourself; ask another administrator")
        }
    }

    /// Refuses a change after which the organisation would have no active person holding the
    /// full-admin role. `change` runs inside the transaction that checks it, so two concurrent
    /// changes cannot both remove the last administrators.
    func keepingAnAdministrator<T: Sendable>(
        orgId: String,
        reason: String,
        _ change: @Sendable (any SignetStore) async throws -> T
    ) async throws -> T {
        try await store.transaction { store in
            // Serialise these changes per organisation across nodes: two concurrent removals must not
            // both see the other administrator still there.
            try await store.lock("administrators:\(orgId)")
            let result = try await change(store)
            guard try await !store.fullAdministrators(orgId: orgId).isEmpty else {
                throw APIError.conflict(
                    "\(reason) would leave the organisation without an active user holding \(OrganizationBootstrap.fullAdminRoleName); give that role to another active user first"
                )
            }
            return result
        }
    }
}
