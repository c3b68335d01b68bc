import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import SignetAPI
import SignetCore
package import SignetStore

/// Signet in front of a team's own API (`signet serve --gateway FILE`): each request that matches a
/// configured route is authenticated exactly as for Signet's own routes, needs the route's
/// operation in the caller's effective permissions (user ∩ token), and, for a signed route, a user
/// action bound to this token, method, path and body, used up before anything is forwarded. A
/// request whose operation a policy names is held for approval instead (``holdIfCovered``). Then
/// ``GatewayForwarder`` sends it on with the identity headers. Everything else is not the gateway's.
package final class Gateway: Sendable {
    private let state: NIOLockedValueBox<GatewayConfiguration>
    let authenticator: BearerAuthenticator
    let permissions: PermissionService
    let cache: AuthorizationCache
    /// Consumes the user actions of signed routes and writes their status to the audit log.
    let signed: SignedRoutes
    let store: any SignetStore
    let forwarder: GatewayForwarder
    let logger: Logger
    /// How long a signed route's body may take to arrive (408 after it).
    let bodyTimeout: Duration
    private let declaredOperations: DeclaredOperations
    /// Where requests to routes whose operation a policy names are held (``holdIfCovered``).
    let policies: PolicyGate

    init(
        configuration: GatewayConfiguration,
        authenticator: BearerAuthenticator,
        permissions: PermissionService,
        cache: AuthorizationCache,
        signed: SignedRoutes,
        store: any SignetStore,
        tokens: TokenAuthority,
        declaredOperations: DeclaredOperations,
        policies: PolicyGate,
        now: @escaping @Sendable () -> Date,
        bodyTimeout: Duration = .seconds(30),
        logger: Logger
    ) {
        self.bodyTimeout = bodyTimeout
        self.state = NIOLockedValueBox(configuration)
        self.declaredOperations = declaredOperations
        self.policies = policies
        self.authenticator = authenticator
        self.permissions = permissions
        self.cache = cache
        self.signed = signed
        self.store = store
        self.forwarder = GatewayForwarder(tokens: tokens, now: now)
        self.logger = logger
    }

    /// The configuration in force.
    package var configuration: GatewayConfiguration { state.withLockedValue { $0 } }

    /// Replaces the configuration (on `SIGHUP`), unless a role uses an operation the new one no
    /// longer declares; then the old one stays and the refusal says which roles.
    package func reload(_ new: GatewayConfiguration) async throws {
        let (store, state, declared) = (self.store, self.state, self.declaredOperations)
        try await declared.changing {
            try await Self.checkRoles(of: store, keep: new.operations)
            try await Self.checkPolicies(of: store, serving: Set(new.routes.map(\.operation)))
            state.withLockedValue { $0 = new }
            declared.replace(with: new.operations)
        }
    }

    /// Refuses a configuration that drops an operation some role uses (not a built-in one).
    package static func checkRoles(of store: any SignetStore, keep operations: Set<String>) async throws {
        var users: [String: [String]] = [:]
        for organization in try await store.organizations() {
            for role in try await store.roles(orgId: organization.id, afterId: nil, limit: 100_000) where !role.isArchived {
                for operation in role.operations where OperationCatalog.canonicalName(operation) == nil && !operations.contains(operation) {
                    users[operation, default: []].append(role.name)
                }
            }
        }
        guard users.isEmpty else {
            let list = users.sorted { $0.key < $1.key }.map { "\($0.key) (roles: \($0.value.joined(separator: ", ")))" }
            throw GatewayConfiguration.Failure(
                line: nil,
                message: "operations used by roles are missing from operations: \(list.joined(separator: "; "))"
            )
        }
    }

    /// Refuses a configuration whose routes no longer serve an operation an active policy names:
    /// the policy would stop holding requests without anyone changing it (a route whose operation
    /// was renamed would no longer need approval). Archive the policy first.
    package static func checkPolicies(of store: any SignetStore, serving operations: Set<String>) async throws {
        let own = PolicyDefinition.accessActivityKinds.union(PolicyDefinition.tokenActivityKinds)
        var unserved: [String: [String]] = [:]
        for organization in try await store.organizations() {
            for policy in try await store.policies(orgId: organization.id, isActive: true, afterId: nil, limit: 100_000)
            where !own.contains(policy.activityKind) && !operations.contains(policy.activityKind) {
                unserved[policy.activityKind, default: []].append(policy.id)
            }
        }
        guard unserved.isEmpty else {
            let list = unserved.sorted { $0.key < $1.key }.map { "\($0.key) (policies: \($0.value.joined(separator: ", ")))" }
            throw GatewayConfiguration.Failure(
                line: nil,
                message: "no route would serve operations active policies hold for approval: \(list.joined(separator: "; ")); archive those policies first"
            )
        }
    }

    /// The gateway's answer to a request it owns, or `nil` when no route matches.
    func handle(_ request: Request, context: SignetRequestContext) async throws -> Response? {
        guard let (route, upstream) = try match(request) else { return nil }
        let path = request.uri.path
        let target = try GatewayForwarder.Target(upstream: upstream, path: path, query: request.uri.query)
        guard let caller = try await authenticator.authenticate(request: request, context: context) else {
            throw APIError.unauthorized("Not Authorized: send Authorization: Bearer <access token>")
        }
        try await authorize(caller, for: route.operation)
        if var held = try await holdIfCovered(request, route: route, upstream: upstream, caller: caller, context: context) {
            held.headers[ResponseHeadersMiddleware.tokenExpiration] = ResponseHeadersMiddleware.expiration(caller.token.expiresAt)
            return held
        }
        var action: UserActionRecord?
        let body: GatewayForwarder.Body
        if route.signed {
            let bytes = try await GatewayForwarder.collect(request, limit: upstream.maxBodyBytes, timeout: bodyTimeout)
            body = .bytes(bytes)
            action = try await consumeUserAction(request, body: bytes, route: route, caller: caller)
        } else {
            body = try GatewayForwarder.stream(request, limit: upstream.maxBodyBytes)
        }
        let response: Response
        do {
            response = try await forwarder.forward(
                request,
                body: body,
                to: target,
                route: route,
                caller: caller,
                action: action,
                clientAddress: context.clientAddress,
                on: context.eventLoop
            )
        } catch {
            if let action {
                await signed.record(status: ErrorMiddleware.apiError(for: error, request: request, context: context).status.code, of: action)
            }
            throw error
        }
        if let action { await signed.record(status: response.status.code, of: action) }
        var answer = response
        answer.headers[ResponseHeadersMiddleware.tokenExpiration] = ResponseHeadersMiddleware.expiration(caller.token.expiresAt)
        return answer
    }

    /// The route and upstream `request` is for, its path and query checked; `nil` when the gateway
    /// serves no such route (a path under one of its first segments that cannot be read is a 400).
    private func match(_ request: Request) throws -> (GatewayConfiguration.Route, GatewayConfiguration.Upstream)? {
        let configuration = self.configuration
        let path = request.uri.path
        // Every route starts with a literal segment, matched as received: a path whose first
        // segment no route names is not the gateway's (and is not checked here: Signet's own
        // routes, /healthz and /auth/check among them, skip the gateway's path rules).
        let first = Substring(path.utf8.dropFirst().prefix { $0 != UInt8(ascii: "/") })
        guard configuration.claims(firstSegment: first) else { return nil }
        let segments: [Substring]
        do {
            segments = try GatewayPath.segments(of: path)
        } catch {
            throw APIError.badRequest("the path cannot be forwarded: \(error.description)")
        }
        guard let route = configuration.route(method: request.method.rawValue, segments: segments),
            let upstream = configuration.upstreams[route.upstream]
        else { return nil }
        if let query = request.uri.query {
            do {
                try GatewayPath.checkQuery(query)
            } catch {
                throw APIError.badRequest("the query cannot be forwarded: \(error.description)")
            }
        }
        return (route, upstream)
    }

    /// Uses up the user action (or Fast Auth) a signed route's request carries, for this upstream.
    func consumeUserAction(
        _ request: Request,
        body bytes: [UInt8],
        route: GatewayConfiguration.Route,
        caller: Caller
    ) async throws -> UserActionRecord {
        guard let meaning = SignedPayload.meaning(of: bytes) else { throw APIError.badRequest("the body of a signed request must be JSON") }
        let shape = SignedRequestShape(
            header: request.headers.value(of: SignedRoutes.header),
            method: request.method.rawValue,
            path: request.uri.path,
            query: request.uri.query,
            body: meaning,
            audience: UserActionService.upstream(route.upstream),
            fastAuth: UserActionService.fastAuthRequest(request, body: bytes, orgId: caller.orgId),
            bodyIsEmpty: RequestBody.isEmpty(bytes),
            unsignedQueryParameters: []
        )
        return try await signed.userActions.consume(shape, caller: caller)
    }

    /// `/auth/check` (nginx `auth_request`, Envoy `ext_authz`): the decision for a request another
    /// proxy will forward, given its original method and URI. Answers only 200 (with the identity
    /// headers), 401 or 403, the codes `auth_request` understands: a path that cannot be read
    /// safely, or that no route allows, is a 403 (deny by default). A signed route is refused: the
    /// check never sees the body, so it cannot hold a user action to it; route such requests through
    /// the gateway itself.
    func check(method: String, uri: String, request: Request, context: SignetRequestContext) async throws -> Response {
        let configuration = self.configuration
        let path = String(uri.prefix { $0 != "?" })
        let query = uri.firstIndex(of: "?").map { String(uri[uri.index(after: $0)...]) }
        let queryIsSafe = query.map { (try? GatewayPath.checkQuery($0)) != nil } ?? true
        guard let segments = try? GatewayPath.segments(of: path), queryIsSafe else {
            throw APIError.forbidden(
                "the original path cannot be checked safely (dot segments, encoded slashes, empty segments, control characters, #)"
            )
        }
        guard let route = configuration.route(method: method, segments: segments), let upstream = configuration.upstreams[route.upstream] else {
            throw APIError.forbidden("no gateway route allows \(TextRules.escaped(method)) \(TextRules.escaped(path))")
        }
        guard let target = try? GatewayForwarder.Target(upstream: upstream, path: path, query: query) else {
            throw APIError.forbidden("the original path cannot be forwarded exactly as received")
        }
        guard let caller = try await authenticator.authenticate(request: request, context: context) else {
            throw APIError.unauthorized("Not Authorized: send Authorization: Bearer <access token>")
        }
        try await authorize(caller, for: route.operation)
        guard !route.signed else {
            throw APIError.forbidden(
                "\(route.method) \(route.path) needs a signed user action, which an auth_request check cannot hold to the body; send it through the gateway"
            )
        }
        guard case .notCovered = try await policyOutcome(of: route.operation, caller: caller) else {
            throw APIError.forbidden(
                "\(route.operation) is held for approval (or blocked) by a policy, which an auth_request check cannot do; send it through the gateway"
            )
        }
        var headers = HTTPFields()
        for (name, value) in try await forwarder.identityHeaders(caller: caller, route: route, target: target, actionId: nil) {
            headers.append(HTTPField(name: name, value: value))
        }
        headers.append(HTTPField(name: .cacheControl, value: "no-store"))
        return Response(status: .ok, headers: headers)
    }

    /// The route's operation in the caller's effective permissions; a refusal says which side lacks it.
    private func authorize(_ caller: Caller, for operation: String) async throws {
        guard !(try await permissions.effective(for: caller)).allows(operation) else { return }
        let userHas = try await cache.permissions(identityId: caller.user.id).allows(operation)
        var side = "its user does not hold it"
        if caller.token.kind == .pat {
            let tokenHas = try await cache.permissions(identityId: caller.token.id).allows(operation)
            side = userHas ? "the token's roles do not grant it" : tokenHas ? "its user does not hold it" : "neither the user nor the token holds it"
        }
        throw APIError(
            .forbidden,
            "\(caller.errorName) is not authorized to perform operation (\(operation)): \(side)",
            id: .operationNotGranted,
            operation: operation
        )
    }
}

/// Puts the gateway in front of the router: requests that match a gateway route are answered by it;
/// all others go on to Signet's own routes.
struct GatewayMiddleware: RouterMiddleware {
    typealias Context = SignetRequestContext
    let gateway: Gateway

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let response = try await gateway.handle(request, context: context) { return response }
        return try await next(request, context)
    }
}
