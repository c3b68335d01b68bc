import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import SignetAPI
import SignetCore
import SignetStore

/// Sends an authorised request on to its upstream and streams the answer back.
///
/// Never forwarded: `Authorization`, `X-DFNS-USERACTION`, any client-sent `X-Signet-*`,
/// `X-Forwarded-*`, `Forwarded`, `X-Real-IP`, the method overrides (`X-HTTP-Method-Override`,
/// `X-HTTP-Method`, `X-Method-Override`), any header whose name contains `_` (a CGI or WSGI upstream
/// reads `X_Signet_User_Id` as `X-Signet-User-Id`), `Host`, `Content-Length` (set again from the
/// body) and the hop-by-hop headers (RFC 9110 §7.6.1, and any the `Connection` header names).
/// Added: `X-Signet-User-Id`, `-Username`, `-Org-Id`, `-Token-Id`, `-Token-Kind`, `-Operation`,
/// `-User-Action-Id` (signed routes), `X-Signet-Identity` (a 60-second EdDSA JWT of the same facts
/// and of the request it was issued for, audience = the upstream's name), `X-Forwarded-For`,
/// `X-Forwarded-Proto` and `X-Forwarded-Host`. The path and query go on byte for byte as received
/// and checked (``Target``), or the request is refused.
struct GatewayForwarder: Sendable {
    let tokens: TokenAuthority
    let now: @Sendable () -> Date
    /// Identity tokens already signed, reused while they have more than 30 of their 60 seconds left:
    /// signing one per request would cost more than forwarding it. Requests with a user action get a
    /// fresh one (it names the action).
    let identities = IdentityTokenCache()
    /// Connections to `http://` upstreams, per event loop; closed with the server (``GatewayClientCloser``).
    let connections = UpstreamConnections()
    /// The client for `https://` upstreams: a refused connection fails at once (no retries until
    /// the deadline), so a down upstream is a quick 502; shut down with the server.
    let client: HTTPClient

    init(tokens: TokenAuthority, now: @escaping @Sendable () -> Date) {
        self.tokens = tokens
        self.now = now
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 256
        configuration.timeout.connect = .seconds(5)
        configuration.decompression = .disabled
        configuration.redirectConfiguration = .disallow
        // No distributed tracing in Signet: without a tracer the client skips building a span's
        // attributes for every forwarded request (a few per cent of the gateway's time).
        configuration.tracing.tracer = nil
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer",
        "transfer-encoding", "upgrade",
    ]
    static let neverForwarded: Set<String> = [
        "authorization", "x-dfns-useraction", "host", "content-length", "forwarded", "x-real-ip", "x-http-method-override", "x-http-method",
        "x-method-override",
    ]

    /// Whether a client's header may go on to the upstream (see the type's documentation).
    static func forwards(_ lower: String, connectionNamed named: Set<String>) -> Bool {
        !hopByHop.contains(lower) && !neverForwarded.contains(lower) && !named.contains(lower) && !lower.hasPrefix("x-signet-")
            && !lower.hasPrefix("x-forwarded-") && !lower.utf8.contains(UInt8(ascii: "_"))
    }

    /// What goes to the upstream: nothing, a signed request's body as checked, or any other body streamed.
    enum Body {
        case none
        case bytes([UInt8])
        /// Chunks as they arrive, through a bounded ``BodyPipe``. Only `feeder` reads the request's
        /// body, and the answer waits for it to finish, so the body is never read after the handler
        /// returns (by Hummingbird draining it).
        case stream(BodyPipe, length: Int?, feeder: Task<Void, any Error>)
    }

    /// A body streamed on as it arrives, refused (413) past the upstream's limit: at once when its
    /// `Content-Length` says so, else when the limit is crossed. A request without a body sends none.
    /// Until the upstream answers, the client is read only as fast as the upstream takes the body
    /// (``BodyPipe``); then the bound lifts. When the exchange fails, the rest is read and dropped,
    /// so the client's answer never waits on a body nobody reads.
    static func stream(_ request: Request, limit: Int) throws -> Body {
        let length = request.headers.value(of: .contentLength).flatMap(Int.init)
        if let length, length > limit { throw APIError(.contentTooLarge, "the body is larger than this route accepts (\(limit) bytes)") }
        guard (length ?? 0) > 0 || request.headers.value(of: .transferEncoding) != nil else { return .none }
        let pipe = BodyPipe()
        let body = request.body
        let feeder = Task {
            var seen = 0
            var wanted = true
            do {
                for try await chunk in body {
                    seen += chunk.readableBytes
                    guard seen <= limit else { throw APIError(.contentTooLarge, "the body is larger than this route accepts (\(limit) bytes)") }
                    if wanted { wanted = await pipe.send(chunk) }
                }
                pipe.finish()
            } catch {
                pipe.finish(throwing: error)
                throw error
            }
        }
        return .stream(pipe, length: length, feeder: feeder)
    }

    /// Reads the body up to the upstream's limit (413 beyond it), within `timeout` (408 after it).
    static func collect(_ request: Request, limit: Int, timeout: Duration) async throws -> [UInt8] {
        if let length = request.headers.value(of: .contentLength).flatMap(Int.init), length > limit {
            throw APIError(.contentTooLarge, "the body is larger than this route accepts (\(limit) bytes)")
        }
        do {
            return Array(try await BodyDeadlineMiddleware.read(request.body, upTo: limit, within: timeout).readableBytesView)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError(.contentTooLarge, "the body is larger than this route accepts (\(limit) bytes)")
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "the body is larger than this route accepts (\(limit) bytes)")
        }
    }

    func forward(
        _ request: Request,
        body: Body,
        to target: Target,
        route: GatewayConfiguration.Route,
        caller: Caller,
        action: UserActionRecord?,
        clientAddress: String?,
        on loop: any EventLoop
    ) async throws -> Response {
        var outgoing: HTTPHeaders
        do {
            outgoing = try await headers(of: request, target: target, route: route, caller: caller, action: action)
        } catch {
            if case .stream(let pipe, _, let feeder) = body {
                pipe.abandon()  // never sent: the client's body is read and dropped
                _ = await feeder.result
            }
            throw error
        }
        if let clientAddress { outgoing.add(name: "X-Forwarded-For", value: clientAddress) }
        let answer = try await exchange(
            HTTPMethod(rawValue: request.method.rawValue),
            headers: outgoing,
            body: body,
            to: target,
            spendsUserAction: action != nil,
            on: loop
        )
        var headers = HTTPFields()
        let named = Self.connectionNamed(answer.headers.first(name: "connection"))
        for (name, value) in answer.headers {
            let lower = name.lowercased()
            guard !Self.hopByHop.contains(lower), !named.contains(lower), lower != "content-length", let field = HTTPField.Name(name) else {
                continue
            }
            headers.append(HTTPField(name: field, value: value))
        }
        if let length = answer.headers.first(name: "content-length") { headers[.contentLength] = length }
        return Response(status: HTTPResponse.Status(code: Int(answer.status.code)), headers: headers, body: answer.body)
    }

    private func headers(
        of request: Request,
        target: Target,
        route: GatewayConfiguration.Route,
        caller: Caller,
        action: UserActionRecord?
    ) async throws -> HTTPHeaders {
        var headers = HTTPHeaders()
        let named = Self.connectionNamed(request.headers.value(of: .connection))
        for field in request.headers {
            guard Self.forwards(field.name.canonicalName, connectionNamed: named) else { continue }
            headers.add(name: field.name.rawName, value: field.value)
        }
        for (name, value) in try await identityHeaders(caller: caller, route: route, target: target, actionId: action?.id) {
            headers.add(name: name.rawName, value: value)
        }
        headers.add(name: "X-Forwarded-Proto", value: "http")
        if let host = request.head.authority { headers.add(name: "X-Forwarded-Host", value: host) }
        return headers
    }

    /// The identity headers, `X-Signet-Identity` last: what the gateway adds to a forwarded request and
    /// what `/auth/check` answers with. The token names the request it was issued for (method and
    /// target), so it is no credential for any other request. A held request forwarded once
    /// approved names its approval and approvers (never cached: each is forwarded once).
    func identityHeaders(
        caller: Caller,
        route: GatewayConfiguration.Route,
        target: Target,
        actionId: String?,
        approval: (id: String, approvers: [String])? = nil
    ) async throws -> [(name: HTTPField.Name, value: String)] {
        let names = IdentityHeaderNames.self
        var headers: [(name: HTTPField.Name, value: String)] = [
            (names.userId, caller.user.id), (names.username, caller.user.username), (names.orgId, caller.orgId),
            (names.tokenId, caller.token.id), (names.tokenKind, caller.token.kind.rawValue), (names.operation, route.operation),
        ]
        if let actionId { headers.append((names.userActionId, actionId)) }
        // Every fact in the token is in the key, and so is the signing key in force.
        let key = IdentityTokenCache.Key(
            tokenId: caller.token.id, userId: caller.user.id, username: caller.user.username, orgId: caller.orgId,
            tokenKind: caller.token.kind.rawValue, operation: route.operation, method: route.method, upstream: target.upstream.name,
            target: target.requestTarget, signingKeyId: tokens.currentKeyID ?? ""
        )
        let issuedAt = now()
        let reusable = actionId == nil && approval == nil
        if reusable, let cached = identities.token(for: key, now: issuedAt) {
            headers.append((names.identity, cached))
            return headers
        }
        var identity = IdentityClaims(
            issuer: tokens.issuer,
            audience: target.upstream.name,
            userId: caller.user.id,
            username: caller.user.username,
            orgId: caller.orgId,
            tokenId: caller.token.id,
            tokenKind: caller.token.kind.rawValue,
            operation: route.operation,
            userActionId: actionId,
            method: route.method,
            target: target.requestTarget,
            issuedAt: issuedAt
        )
        identity.approvalId = approval?.id
        identity.approvers = approval?.approvers
        let token = try await tokens.identityToken(identity)
        if reusable { identities.store(token, for: key, expiresAt: identity.expiresAt) }
        headers.append((names.identity, token))
        return headers
    }

    /// 504 for an upstream too slow, 502 for one that cannot be reached or fails.
    static func upstreamFailure(_ error: any Error, _ upstream: GatewayConfiguration.Upstream) -> APIError {
        if let error = error as? APIError { return error }
        if let error = error as? UpstreamFailure, error == .timeout {
            return APIError(.gatewayTimeout, "the upstream \(upstream.name) did not answer within \(Int(upstream.timeout)) seconds")
        }
        if let error = error as? HTTPClientError, error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            return APIError(.gatewayTimeout, "the upstream \(upstream.name) did not answer within \(Int(upstream.timeout)) seconds")
        }
        return APIError(.badGateway, "the upstream \(upstream.name) cannot be reached")
    }

    /// The header names a `Connection` header lists (they are hop-by-hop too), each without the
    /// spaces and tabs around it (RFC 9110's optional whitespace; other Unicode spaces are part of
    /// the name, which then matches no header).
    static func connectionNamed(_ value: String?) -> Set<String> {
        guard let value, !value.isEmpty else { return [] }
        // Each token trimmed by its bytes: Foundation's trimming was 3% of a forwarded request
        // (every answer says `keep-alive`).
        return Set(value.utf8.split(separator: UInt8(ascii: ",")).compactMap { HTTPWhitespace.trimmed($0)?.lowercased() })
    }
}
