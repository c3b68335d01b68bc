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
/// Never forwarded: `Authorization`, `X-DFNS-USERACTION`, any client-sent `X-Signet-*`, `Host`,
/// `Content-Length` (set again from the body) and the hop-by-hop headers (RFC 9110 §7.6.1, and any
/// the `Connection` header names). Added: `X-Signet-User-Id`, `-Username`, `-Org-Id`, `-Token-Id`,
/// `-Token-Kind`, `-Operation`, `-User-Action-Id` (signed routes), `X-Signet-Identity` (a 60-second
/// EdDSA JWT of the same facts, audience = the upstream's name), `X-Forwarded-Proto` and
/// `X-Forwarded-Host`. The path and query go on exactly as received and checked.
struct GatewayForwarder: Sendable {
    let tokens: TokenAuthority
    let now: @Sendable () -> Date
    /// Identity tokens already signed, reused while they have more than 30 of their 60 seconds left:
    /// signing one per request would cost more than forwarding it. Requests with a user action get a
    /// fresh one (it names the action).
    let identities = IdentityTokenCache()
    /// The gateway's own client: a refused connection fails at once (no retries until the
    /// deadline), so a down upstream is a quick 502; shut down with the server (``GatewayClientCloser``).
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
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer",
        "transfer-encoding", "upgrade",
    ]
    static let neverForwarded: Set<String> = ["authorization", "x-dfns-useraction", "host", "content-length"]

    /// What goes to the upstream: nothing, a signed request's body as checked, or any other body streamed.
    enum Body {
        case none
        case bytes([UInt8])
        /// Chunks as they arrive. Only `feeder` reads the request's body, and the answer waits for it to
        /// finish, so the body is never read after the handler returns (by Hummingbird draining it).
        case stream(AsyncThrowingStream<ByteBuffer, any Error>, length: Int?, feeder: Task<Void, any Error>)
    }

    /// A body streamed on as it arrives, refused (413) past the upstream's limit: at once when its
    /// `Content-Length` says so, else when the limit is crossed. A request without a body sends none.
    static func stream(_ request: Request, limit: Int) throws -> Body {
        let length = request.headers[.contentLength].flatMap(Int.init)
        if let length, length > limit { throw APIError(.contentTooLarge, "the body is larger than this route accepts (\(limit) bytes)") }
        guard (length ?? 0) > 0 || request.headers[.transferEncoding] != nil else { return .none }
        let (stream, continuation) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
        let body = request.body
        let feeder = Task {
            var seen = 0
            do {
                for try await chunk in body {
                    seen += chunk.readableBytes
                    guard seen <= limit else { throw APIError(.contentTooLarge, "the body is larger than this route accepts (\(limit) bytes)") }
                    continuation.yield(chunk)
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
                throw error
            }
        }
        return .stream(stream, length: length, feeder: feeder)
    }

    /// Reads the body up to the upstream's limit (413 beyond it).
    static func collect(_ request: inout Request, limit: Int) async throws -> [UInt8] {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError(.contentTooLarge, "the body is larger than this route accepts (\(limit) bytes)")
        }
        do {
            return Array(try await request.collectBody(upTo: limit).readableBytesView)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError(.contentTooLarge, "the body is larger than this route accepts (\(limit) bytes)")
        }
    }

    func forward(
        _ request: Request, body: Body, to upstream: GatewayConfiguration.Upstream, route: GatewayConfiguration.Route,
        caller: Caller, action: UserActionRecord?, clientAddress: String?
    ) async throws -> Response {
        var outgoing = HTTPClientRequest(url: upstream.url + request.uri.path + (request.uri.query.map { "?" + $0 } ?? ""))
        outgoing.method = HTTPMethod(rawValue: request.method.rawValue)
        outgoing.headers = try await headers(of: request, upstream: upstream, route: route, caller: caller, action: action)
        if let clientAddress { outgoing.headers.add(name: "X-Forwarded-For", value: clientAddress) }
        var feeder: Task<Void, any Error>?
        switch body {
        case .none: break
        case .bytes(let bytes): if !bytes.isEmpty { outgoing.body = .bytes(ByteBuffer(bytes: bytes)) }
        case .stream(let stream, let length, let task):
            outgoing.body = .stream(stream, length: length.map { .known(Int64($0)) } ?? .unknown)
            feeder = task
        }
        let answer: HTTPClientResponse
        do {
            answer = try await client.execute(outgoing, timeout: .milliseconds(Int64(upstream.timeout * 1000)))
            try await feeder?.value  // the whole body read (or its refusal) before answering
        } catch {
            // The body's own refusal (413) comes first; then the upstream's failure.
            if let feeder, case .failure(let refusal as APIError) = await feeder.result { throw refusal }
            throw Self.upstreamFailure(error, upstream)
        }
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
        // A small answer of known length is read whole (cheaper than streaming it chunk by chunk);
        // anything else streams.
        if let length = answer.headers.first(name: "content-length").flatMap(Int.init), length <= 65_536 {
            let body = try await answer.body.collect(upTo: length)
            return Response(status: HTTPResponse.Status(code: Int(answer.status.code)), headers: headers, body: .init(byteBuffer: body))
        }
        return Response(
            status: HTTPResponse.Status(code: Int(answer.status.code)), headers: headers,
            body: ResponseBody(asyncSequence: answer.body))
    }

    private func headers(
        of request: Request, upstream: GatewayConfiguration.Upstream, route: GatewayConfiguration.Route, caller: Caller,
        action: UserActionRecord?
    ) async throws -> HTTPHeaders {
        var headers = HTTPHeaders()
        let named = Self.connectionNamed(request.headers[.connection])
        for field in request.headers {
            let lower = field.name.canonicalName
            guard !Self.hopByHop.contains(lower), !Self.neverForwarded.contains(lower), !named.contains(lower), !lower.hasPrefix("x-signet-"),
                !lower.hasPrefix("x-forwarded-")
            else { continue }
            headers.add(name: field.name.rawName, value: field.value)
        }
        for (name, value) in try await identityHeaders(caller: caller, route: route, audience: upstream.name, action: action) {
            headers.add(name: name, value: value)
        }
        headers.add(name: "X-Forwarded-Proto", value: "http")
        if let host = request.head.authority { headers.add(name: "X-Forwarded-Host", value: host) }
        return headers
    }

    /// The identity headers, `X-Signet-Identity` last: what the gateway adds to a forwarded request and
    /// what `/auth/check` answers with.
    func identityHeaders(
        caller: Caller, route: GatewayConfiguration.Route, audience: String, action: UserActionRecord?
    ) async throws -> [(String, String)] {
        let identity = IdentityClaims(
            issuer: tokens.issuer, audience: audience, userId: caller.user.id, username: caller.user.username, orgId: caller.orgId,
            tokenId: caller.token.id, tokenKind: caller.token.kind.rawValue, operation: route.operation, userActionId: action?.id,
            issuedAt: now())
        var headers = [
            ("X-Signet-User-Id", caller.user.id), ("X-Signet-Username", caller.user.username), ("X-Signet-Org-Id", caller.orgId),
            ("X-Signet-Token-Id", caller.token.id), ("X-Signet-Token-Kind", caller.token.kind.rawValue), ("X-Signet-Operation", route.operation),
        ]
        if let action { headers.append(("X-Signet-User-Action-Id", action.id)) }
        let key = "\(caller.token.id)|\(caller.user.id)|\(route.operation)|\(audience)"
        if action == nil, let cached = identities.token(for: key, now: identity.issuedAt) {
            headers.append(("X-Signet-Identity", cached))
        } else {
            let token = try await tokens.identityToken(identity)
            if action == nil { identities.store(token, for: key, expiresAt: identity.expiresAt) }
            headers.append(("X-Signet-Identity", token))
        }
        return headers
    }

    /// 504 for an upstream too slow, 502 for one that cannot be reached or fails.
    static func upstreamFailure(_ error: any Error, _ upstream: GatewayConfiguration.Upstream) -> APIError {
        if let error = error as? APIError { return error }
        if let error = error as? HTTPClientError, error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            return APIError(.gatewayTimeout, "the upstream \(upstream.name) did not answer within \(Int(upstream.timeout)) seconds")
        }
        return APIError(.badGateway, "the upstream \(upstream.name) cannot be reached")
    }

    /// The header names a `Connection` header lists (they are hop-by-hop too).
    static func connectionNamed(_ value: String?) -> Set<String> {
        Set((value ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
    }
}

/// The identity tokens the gateway reuses (see ``GatewayForwarder/identities``); emptied when it
/// holds 10,000, so it stays small whatever the traffic.
final class IdentityTokenCache: Sendable {
    private let entries = NIOLockedValueBox<[String: (token: String, expiresAt: Date)]>([:])

    func token(for key: String, now: Date) -> String? {
        entries.withLockedValue { entries in
            guard let entry = entries[key], entry.expiresAt.timeIntervalSince(now) > 30 else { return nil }
            return entry.token
        }
    }

    func store(_ token: String, for key: String, expiresAt: Date) {
        entries.withLockedValue { entries in
            if entries.count >= 10_000 { entries.removeAll(keepingCapacity: true) }
            entries[key] = (token, expiresAt)
        }
    }
}
