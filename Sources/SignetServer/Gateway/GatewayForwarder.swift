import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
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
    /// The gateway's own client: a refused connection fails at once (no retries until the
    /// deadline), so a down upstream is a quick 502; shut down with the server (``GatewayClientCloser``).
    let client: HTTPClient

    init(tokens: TokenAuthority, now: @escaping @Sendable () -> Date) {
        self.tokens = tokens
        self.now = now
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
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

    /// What goes to the upstream: a signed request's body as checked, or any other body streamed.
    enum Body {
        case bytes([UInt8])
        case stream(LimitedBody, length: Int?)
    }

    /// A body streamed on as it arrives, refused (413) past the upstream's limit: at once when its
    /// `Content-Length` says so, else when the limit is crossed.
    static func stream(_ request: Request, limit: Int) throws -> Body {
        let length = request.headers[.contentLength].flatMap(Int.init)
        if let length, length > limit { throw APIError(.contentTooLarge, "the body is larger than this route accepts (\(limit) bytes)") }
        return .stream(LimitedBody(base: request.body, limit: limit), length: length)
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
        switch body {
        case .bytes(let bytes): if !bytes.isEmpty { outgoing.body = .bytes(ByteBuffer(bytes: bytes)) }
        case .stream(let stream, let length): outgoing.body = .stream(stream, length: length.map { .known(Int64($0)) } ?? .unknown)
        }
        let answer: HTTPClientResponse
        do {
            answer = try await client.execute(outgoing, timeout: .milliseconds(Int64(upstream.timeout * 1000)))
        } catch let error as APIError {
            throw error  // the body crossed its limit while streaming
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw APIError(.gatewayTimeout, "the upstream \(upstream.name) did not answer within \(Int(upstream.timeout)) seconds")
        } catch {
            throw APIError(.badGateway, "the upstream \(upstream.name) cannot be reached")
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
        headers.append(("X-Signet-Identity", try await tokens.identityToken(identity)))
        return headers
    }

    /// The header names a `Connection` header lists (they are hop-by-hop too).
    static func connectionNamed(_ value: String?) -> Set<String> {
        Set((value ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
    }
}

/// A request body that fails with 413 once more than `limit` bytes have arrived.
struct LimitedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let base: HummingbirdCore.RequestBody
    let limit: Int

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: HummingbirdCore.RequestBody.AsyncIterator
        let limit: Int
        var seen = 0

        mutating func next() async throws -> ByteBuffer? {
            guard let chunk = try await base.next() else { return nil }
            seen += chunk.readableBytes
            guard seen <= limit else { throw APIError(.contentTooLarge, "the body is larger than this route accepts (\(limit) bytes)") }
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator(), limit: limit) }
}
