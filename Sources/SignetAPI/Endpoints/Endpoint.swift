/// One route of Signet's HTTP API, with its policy: the single statement of its method, path,
/// whether it is a signed user action, the operation it requires, who may call it and how it is
/// counted against abuse limits. The server registers its routes from these, the Swift SDK sends
/// through them, the dashboard's scripts read them (`/assets/endpoints.js`), and the tests take
/// their routes from ``Endpoints/all``.
///
/// `Body` is what the route reads (``NoBody`` for none, ``RawBody`` for bytes its service parses
/// itself), `Response` what it answers.
public struct Endpoint<Body: Sendable, Response: Sendable>: Sendable {
    /// The route's policy, without its types.
    public let rule: EndpointRule

    /// Declares a route. `name` is how scripts and documentation call it (`createPat`).
    public init(
        _ name: String,
        _ method: EndpointMethod,
        _ path: PathTemplate,
        signed: Bool = false,
        operation: String? = nil,
        callers: EndpointCallers = .tokenHolders,
        rate: RateClass,
        bodyOptional: Bool = false,
        unsignedQuery: Set<String> = [],
        note: String? = nil
    ) {
        rule = EndpointRule(
            name: name,
            method: method,
            path: path,
            signed: signed,
            operation: operation,
            callers: callers,
            rate: rate,
            bodyOptional: bodyOptional,
            unsignedQuery: unsignedQuery,
            note: note,
            bodyType: String(describing: Body.self),
            bodyFields: (Body.self as? any KnownFields.Type)?.knownFields,
            responseType: String(describing: Response.self),
            bodyModel: TypeWitness(Body.self),
            responseModel: TypeWitness(Response.self)
        )
    }

    /// The route's method.
    public var method: EndpointMethod { rule.method }
    /// The route's path template.
    public var path: PathTemplate { rule.path }
    /// Whether the request must carry a user action (`X-DFNS-USERACTION`).
    public var signed: Bool { rule.signed }
}

/// A route's policy: everything about it but its body and response types.
public struct EndpointRule: Sendable, Hashable {
    /// The route's name in scripts and documentation (`createPat`).
    public let name: String
    /// Its HTTP method.
    public let method: EndpointMethod
    /// Its path, with `{parameters}`.
    public let path: PathTemplate
    /// Whether the request must carry a user action signed for it, used up before the handler runs.
    public let signed: Bool
    /// The operation the caller must hold (user ∩ token), checked at the route; `nil` when none is
    /// needed. Rules that depend on the request (every operation a person holds, say) are the
    /// service's, and ``note`` states them.
    public let operation: String?
    /// Who may call it. The server enforces the token (none for ``EndpointCallers/anyone``, the
    /// temporary one for `registering`, an access token otherwise) and ``EndpointCallers/serviceAccount``
    /// at the route; the finer kinds are the services' rules, stated here for clients and docs.
    public let callers: EndpointCallers
    /// How it will count against abuse limits: declared now, enforced once the limits exist
    /// (the hardening issue).
    public let rate: RateClass
    /// Whether an empty body reads as `{}` (otherwise a route with a body type requires one).
    public let bodyOptional: Bool
    /// Query parameters a signed route accepts although they were not signed (`force` on deletes).
    public let unsignedQuery: Set<String>
    /// The rules beyond these fields, in words (`a PAT may change only itself`), for the docs.
    public let note: String?
    /// The name of the body's type (`NoBody` for none, `RawBody` for bytes the service parses).
    public let bodyType: String
    /// The body's accepted fields when it refuses others (``KnownFields``), from its `CodingKeys`.
    public let bodyFields: Set<String>?
    /// The name of the response's type (`ListResponse<AccessToken>` for a list).
    public let responseType: String
    /// The body's Swift type, from which the OpenAPI document reads its schema.
    public let bodyModel: TypeWitness
    /// The response's Swift type, from which the OpenAPI document reads its schema.
    public let responseModel: TypeWitness

    /// `METHOD /path/{parameter}`, as the README and the tests write routes.
    public var route: String { "\(method.rawValue) \(path)" }
}

/// A Swift type kept as a value and compared by identity: how an ``EndpointRule`` keeps its body's
/// and response's types (for the OpenAPI document) and stays `Hashable`.
public struct TypeWitness: Sendable, Hashable {
    /// The type.
    public let type: any Sendable.Type

    /// Keeps `type`.
    public init(_ type: any Sendable.Type) { self.type = type }

    /// The same type.
    public static func == (lhs: TypeWitness, rhs: TypeWitness) -> Bool { ObjectIdentifier(lhs.type) == ObjectIdentifier(rhs.type) }

    /// Hashes the type's identity.
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(type)) }
}

/// The HTTP methods Signet's API uses.
public enum EndpointMethod: String, Sendable, Hashable, CaseIterable {
    case GET, POST, PUT, DELETE
}

/// Who may call a route. The services hold the detailed rules (a PAT changes only itself, say);
/// this is the part a client can know in advance.
public enum EndpointCallers: String, Sendable, Hashable, CaseIterable {
    /// Anyone, with or without a token (a bearer token is ignored).
    case anyone
    /// The person registering or recovering, with the temporary token of `POST /auth/registration/init`
    /// or `POST /auth/recover/user/init`.
    case registering
    /// Any valid access token: a login session, a PAT or a service account's token.
    case tokenHolders
    /// A person's login session only (not a PAT, not a service account).
    case personLogin
    /// A login session, a person's or a service account's (not a PAT).
    case loginSession
    /// A person's login session or a service account's token, never a PAT.
    case notPat
    /// A service account's token only.
    case serviceAccount
}

/// How a route counts against abuse limits.
public enum RateClass: String, Sendable, Hashable, CaseIterable {
    /// Serves anyone and reveals nothing (health, public keys).
    case open
    /// Proves who someone is (login, registration): the credential-guessing bucket.
    case authentication
    /// Reads for a token holder.
    case read
    /// Changes, or steps of signing one.
    case write
}

/// The body of a route that reads none.
public struct NoBody: Codable, Sendable, Equatable {
    /// No body.
    public init() {}
}

/// The body of a route whose service reads the bytes itself (a form, or a body it must keep exact).
public struct RawBody: Sendable, Equatable {
    /// The bytes as received.
    public let bytes: [UInt8]

    /// Wraps received bytes.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
}
