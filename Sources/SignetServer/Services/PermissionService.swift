import HTTPTypes
import SignetAPI
import SignetCore
import SignetStore

/// Decides what a caller may do, on every request.
struct PermissionService: Sendable {
    let cache: AuthorizationCache

    /// The caller's effective permissions: the user's roles, intersected with the token's own roles
    /// for a PAT. Every committed change empties the cache, so a narrowed role or a revoked assignment
    /// applies on the next request.
    func effective(for caller: Caller) async throws -> PermissionSet {
        try await cache.effectivePermissions(tokenId: caller.token.id) {
            let userPermissions = try await cache.permissions(identityId: caller.user.id)
            guard caller.token.kind == .pat else { return userPermissions }
            return userPermissions.intersection(try await cache.permissions(identityId: caller.token.id))
        }
    }

    /// Returns the effective permissions, or throws the Dfns-style 403 when `operation` is not among them.
    @discardableResult
    func require(_ operation: OperationName, for caller: Caller) async throws -> PermissionSet {
        let permissions = try await effective(for: caller)
        guard permissions.allows(operation) else { throw Self.denied(operation, caller) }
        return permissions
    }

    /// The Dfns refusal for a caller of a kind that may never do this (a PAT creating a PAT, say),
    /// whatever its roles: Dfns' words, but no `operation` to ask for, since no role would help.
    static func deniedToKind(_ operation: OperationName, _ caller: Caller) -> APIError {
        APIError(.forbidden, "\(caller.errorName) is not authorized to perform operation (\(operation.rawValue))", id: .forbidden)
    }

    /// The Dfns refusal: `"<kind> <id> is not authorized to perform operation (<Operation>)"`.
    static func denied(_ operation: OperationName, _ caller: Caller) -> APIError {
        APIError(
            .forbidden,
            "\(caller.errorName) is not authorized to perform operation (\(operation.rawValue))",
            id: .operationNotGranted,
            operation: operation.rawValue
        )
    }
}
