import Foundation
import Hummingbird
import SignetAPI
import SignetCore
import SignetStore

/// `GET /auth/tokens` (Signet's): every PAT and service-account token of the organisation, for an
/// administrator taking stock (which tokens expire soon, which nobody used for months). The route
/// has required `Auth:Users:Read`; as for another person's PATs (`GET /auth/users/{id}/pats`), a
/// token is shown only when the caller holds every operation of the user it acts as: whoever could
/// not act as that user does not learn what acts for them. Never the tokens themselves.
struct TokenInventoryService: Sendable {
    let store: any SignetStore
    let permissions: PermissionService
    let presenter: TokenPresenter
    /// The current time (injectable, so tests can move it instead of sleeping).
    let now: @Sendable () -> Date

    /// A page of the tokens the caller may see. Rows it may not see are skipped while reading, so
    /// the page and its `nextPageToken` (the last id shown) tell nothing about them: not their ids,
    /// not their number, not what a filter would match among them.
    func list(_ request: Request, caller: Caller) async throws -> ListResponse<AccessToken> {
        let pagination = try Pagination(request)
        let date = now()
        let filter = try Self.filter(request.uri.queryParameters)
        let mine = try await permissions.effective(for: caller)
        // Service-account tokens also need what listing service accounts needs.
        let accounts = mine.allows(.serviceAccountsRead)
        let batch = max(pagination.fetchLimit, 100)
        var visible: [AccessTokenRecord] = []
        var cursor = pagination.afterId
        while visible.count < pagination.fetchLimit {
            let rows = try await store.inventoryTokens(orgId: caller.orgId, filter: filter, at: date, afterId: cursor, limit: batch)
            let held = try await store.permissions(identityIds: Array(Set(rows.map(\.userId))))
            visible += rows.filter { ($0.kind == .pat || accounts) && mine.missing(from: held[$0.userId] ?? .none).isEmpty }
            guard rows.count == batch, let last = rows.last else { break }
            cursor = last.id
        }
        let page = pagination.page(Array(visible.prefix(pagination.fetchLimit)), id: \.id)
        return ListResponse(items: try await present(page.items), nextPageToken: page.nextPageToken)
    }

    /// The tokens as `GET /auth/pats` shows them, in a fixed number of reads whatever their number.
    private func present(_ tokens: [AccessTokenRecord]) async throws -> [AccessToken] {
        guard let first = tokens.first else { return [] }
        // A PAT's roles and key are its own; a service account's token acts with the account's.
        let identity = { (token: AccessTokenRecord) in token.kind == .pat ? token.id : token.userId }
        let identities = Array(Set(tokens.map(identity)))
        let credentials = Dictionary(grouping: try await store.credentials(identityIds: identities), by: \.identityId)
        let roles = Dictionary(grouping: try await store.assignedRoles(identityIds: identities), by: \.0.identityId)
        let extras = try await TokenExtras.read(tokens, orgId: first.orgId, store: store)
        return tokens.map { token in
            presenter.present(
                token,
                credentials: credentials[identity(token)] ?? [],
                roles: roles[identity(token)] ?? [],
                accessToken: nil,
                extras: extras
            )
        }
    }

    /// The query's filters, each checked (a 400 names the parameter).
    static func filter(_ query: Parameters) throws -> TokenInventoryFilter {
        var filter = TokenInventoryFilter()
        if let userId = query.get("userId") {
            guard Identifier.isWellFormed(userId, prefix: .user) else { throw APIError.badRequest("userId must be a user id (us-…)") }
            filter.userId = userId
        }
        if let kind = query.get("kind") {
            guard kind == "Pat" || kind == "ServiceAccount", let parsed = TokenKind(rawValue: kind) else {
                throw APIError.badRequest("kind must be Pat or ServiceAccount")
            }
            filter.kind = parsed
        }
        if let state = query.get("state") {
            guard let parsed = TokenInventoryFilter.State(rawValue: state) else {
                throw APIError.badRequest("state must be active, inactive or expired")
            }
            filter.state = parsed
        }
        filter.expiringBefore = try AuditLogService.date(query.get("expiringBefore"), field: "expiringBefore")
        filter.unusedSince = try AuditLogService.date(query.get("unusedSince"), field: "unusedSince")
        switch query.get("neverUsed") {
        case nil, "false": filter.neverUsed = false
        case "true": filter.neverUsed = true
        default: throw APIError.badRequest("neverUsed must be true or false")
        }
        return filter
    }
}
