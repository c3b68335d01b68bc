import HTTPTypes
import Hummingbird
import SignetAPI
import SignetCore
import SignetStore

/// What the handler of a catalogue route receives: its body read as the ``Endpoint`` says, the
/// caller (for a signed route, the one who signed, whose user action or Fast Auth nonce is used up
/// with the handler's first change: ``SignedRoutes``), and the request for its query and path parameters.
struct EndpointCall<Body: Sendable>: Sendable {
    /// The body: decoded strictly, ``NoBody`` (nothing read) or ``RawBody`` (the bytes).
    let body: Body
    /// Who calls.
    let caller: Caller
    /// The audit record of a signed route's user action (used up with the handler's first change).
    let action: UserActionRecord?
    let request: Request
    let context: AuthenticatedRequestContext

    /// The path parameter `name` (as the catalogue's template names it).
    func parameter(_ name: String) throws -> String { try context.parameters.require(name) }
}

/// Registers catalogue routes with their policy applied: a signed route's signature is checked
/// first (``SignedRoutes``: its single use is written with the handler's first change), then the
/// route's operation is required of the caller, then the body is read once, as the endpoint's type
/// says; only then does the handler run.
struct EndpointRoutes: Sendable {
    let signed: SignedRoutes
    let permissions: PermissionService

    /// Adds `endpoint`; the handler's value is the JSON answer.
    func add<Body: Sendable, Response: Encodable & Sendable>(
        _ endpoint: Endpoint<Body, Response>,
        to router: some RouterMethods<AuthenticatedRequestContext>,
        _ handler: @escaping @Sendable (EndpointCall<Body>) async throws -> Response
    ) {
        add(endpoint, to: router, responding: { call in JSONResponse(try await handler(call)) })
    }

    /// Adds `endpoint`; the handler's value is the JSON answer, written by ``WireJSON``.
    func add<Body: Sendable, Response: WireJSONWritable>(
        _ endpoint: Endpoint<Body, Response>,
        to router: some RouterMethods<AuthenticatedRequestContext>,
        _ handler: @escaping @Sendable (EndpointCall<Body>) async throws -> Response
    ) {
        add(endpoint, to: router, responding: { call in WireJSONResponse(value: try await handler(call)) })
    }

    /// Adds `endpoint`; the handler builds the answer itself (a cached body, a 204).
    func add<Body: Sendable, Response: Sendable, Output: ResponseGenerator>(
        _ endpoint: Endpoint<Body, Response>,
        to router: some RouterMethods<AuthenticatedRequestContext>,
        responding handler: @escaping @Sendable (EndpointCall<Body>) async throws -> Output
    ) {
        let rule = endpoint.rule
        precondition(rule.callers != .anyone && rule.callers != .registering, "\(rule.route) needs no access token: add it as a public route")
        let operation = rule.operation.map(Self.operation)
        let permissions = self.permissions
        if rule.signed {
            router.on(
                rule.path.routerPath,
                method: rule.method.http,
                use: signed.handler(unsignedQueryParameters: rule.unsignedQuery) { signed, request, context in
                    try Self.admit(signed.caller, to: rule)
                    if let operation { try await permissions.require(operation, for: signed.caller) }
                    let body = try EndpointBodyReader.read(Body.self, from: signed.body, optional: rule.bodyOptional)
                    return try await handler(
                        EndpointCall(body: body, caller: signed.caller, action: signed.action, request: request, context: context)
                    )
                }
            )
        } else {
            router.on(rule.path.routerPath, method: rule.method.http) { request, context in
                try Self.admit(context.caller, to: rule)
                if let operation { try await permissions.require(operation, for: context.caller) }
                let body = try await EndpointBodyReader.read(Body.self, from: request, context: context, optional: rule.bodyOptional)
                return try await handler(EndpointCall(body: body, caller: context.caller, action: nil, request: request, context: context))
            }
        }
    }

    /// Adds a route that needs no access token (``EndpointCallers/anyone`` or `registering`): no
    /// signature, no operation.
    static func addPublic<Body: Sendable, Response: Encodable & Sendable>(
        _ endpoint: Endpoint<Body, Response>,
        to router: some RouterMethods<SignetRequestContext>,
        _ handler: @escaping @Sendable (Body, Request) async throws -> Response
    ) {
        addPublic(endpoint, to: router, responding: { body, request in JSONResponse(try await handler(body, request)) })
    }

    /// Adds a route that needs no access token; the handler's value is written by ``WireJSON``.
    static func addPublic<Body: Sendable, Response: WireJSONWritable>(
        _ endpoint: Endpoint<Body, Response>,
        to router: some RouterMethods<SignetRequestContext>,
        _ handler: @escaping @Sendable (Body, Request) async throws -> Response
    ) {
        addPublic(endpoint, to: router, responding: { body, request in WireJSONResponse(value: try await handler(body, request)) })
    }

    /// Adds a route that needs no access token; the handler builds the answer itself.
    static func addPublic<Body: Sendable, Response: Sendable, Output: ResponseGenerator>(
        _ endpoint: Endpoint<Body, Response>,
        to router: some RouterMethods<SignetRequestContext>,
        responding handler: @escaping @Sendable (Body, Request) async throws -> Output
    ) {
        let rule = endpoint.rule
        precondition(
            (rule.callers == .anyone || rule.callers == .registering) && !rule.signed && rule.operation == nil,
            "\(rule.route) is for token holders: add it behind the authenticator"
        )
        router.on(rule.path.routerPath, method: rule.method.http) { request, context in
            // The registration's temporary token comes before anything is read.
            if rule.callers == .registering, request.headers[.authorization].flatMap(BearerAuthenticator.bearerToken) == nil {
                throw APIError.unauthorized(
                    "Not Authorized: send the temporaryAuthenticationToken of POST /auth/registration/init as the bearer token"
                )
            }
            let body = try await EndpointBodyReader.read(Body.self, from: request, context: context, optional: rule.bodyOptional)
            return try await handler(body, request)
        }
    }

    /// The part of ``EndpointRule/callers`` checked at the route, before the operation (so that a
    /// caller of the wrong kind is not told to get an operation that would not help).
    static func admit(_ caller: Caller, to rule: EndpointRule) throws {
        if rule.callers == .serviceAccount, caller.token.kind != .serviceAccount {
            throw APIError.forbidden("\(caller.errorName): \(rule.route) is for service accounts (an API's own identity)")
        }
    }

    /// The operation a catalogue entry names; an unknown name is a mistake in the catalogue, which
    /// `EndpointCatalogueTests` catches before any server starts.
    static func operation(_ name: String) -> OperationName {
        guard let operation = OperationName(rawValue: name) else { preconditionFailure("the catalogue names an unknown operation \(name)") }
        return operation
    }
}

/// Reads a catalogue route's body as its type says.
enum EndpointBodyReader {
    /// From the bytes a signed route has already read.
    static func read<Body: Sendable>(_ type: Body.Type, from bytes: [UInt8], optional: Bool) throws -> Body {
        if let none = NoBody() as? Body { return none }
        if let raw = RawBody(bytes) as? Body { return raw }
        guard let decodable = Body.self as? any Decodable.Type else { preconditionFailure("\(Body.self) is not Decodable") }
        let value: any Decodable = optional ? try RequestBody.decodeOptional(decodable, from: bytes) : try RequestBody.decode(decodable, from: bytes)
        guard let body = value as? Body else { preconditionFailure("\(Body.self) decoded as another type") }
        return body
    }

    /// From the request (``NoBody``: the body is not read at all).
    static func read<Body: Sendable>(_ type: Body.Type, from request: Request, context: some RequestContext, optional: Bool) async throws -> Body {
        if let none = NoBody() as? Body { return none }
        var request = request
        return try read(type, from: try await RequestBody.collect(&request, context: context), optional: optional)
    }
}

extension PathTemplate {
    /// The path as Hummingbird's router writes it: `auth/pats/:tokenId`.
    var routerPath: RouterPath {
        RouterPath(
            segments.map { segment -> String in
                switch segment {
                case .literal(let text): return text
                case .parameter(let name): return ":" + name
                }
            }.joined(separator: "/")
        )
    }
}

extension EndpointMethod {
    /// The method as HTTPTypes names it.
    var http: HTTPRequest.Method {
        switch self {
        case .GET: return .get
        case .POST: return .post
        case .PUT: return .put
        case .DELETE: return .delete
        }
    }
}
