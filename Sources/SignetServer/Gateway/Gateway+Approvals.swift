import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import SignetAPI
import SignetCore
import SignetStore

/// Gateway routes whose operation a policy names (a Signet extension of Dfns Policies v2): a
/// covered request is not forwarded; it is kept with an approval and answered 202 with the
/// pending change request. Once the approval is met it is sent on once, as the initiator, with
/// `X-Signet-Approval-Id` and the approvers in the identity token, and the upstream's answer is
/// kept on the approval.
extension Gateway: HeldRequestForwarding {
    /// The largest body a held request keeps (it is stored with its approval).
    static let heldBodyLimit = 1 << 20
    /// How much of the upstream's answer to a held request is kept.
    static let keptAnswerBytes = 64 * 1024
    /// The client headers a held request keeps to forward. Approvers see everything kept, so
    /// nothing that may carry a credential is (cookies, any custom header): these only.
    static let keptHeaders: Set<String> = [
        "accept", "accept-language", "content-language", "content-type", "idempotency-key", "user-agent", "x-request-id",
    ]
    /// The upstream's answer headers kept on the approval (everyone who may read approvals sees
    /// them, so nothing that may carry a credential, such as `Set-Cookie`): these only.
    static let keptAnswerHeaders: Set<String> = [
        "content-language", "content-type", "etag", "last-modified", "location", "retry-after", "x-request-id",
    ]

    /// `nil` when no active policy names the route's operation; otherwise refuses the request (a
    /// `Block` policy, or approvals no one could give) or holds it and answers 202.
    func holdIfCovered(
        _ request: Request,
        route: GatewayConfiguration.Route,
        upstream: GatewayConfiguration.Upstream,
        caller: Caller,
        context: SignetRequestContext
    ) async throws -> Response? {
        let outcome = try await policyOutcome(of: route.operation, caller: caller)
        if case .notCovered = outcome { return nil }
        let gate = policies
        try gate.refuseBlocked(outcome, activityKind: route.operation)
        if let encoding = request.headers[.contentEncoding], !encoding.isEmpty, encoding.lowercased() != "identity" {
            // Approvers must see the body as the upstream will read it.
            throw APIError(.unsupportedMediaType, "a request held for approval must be sent without Content-Encoding")
        }
        let bytes = try await GatewayForwarder.collect(request, limit: min(upstream.maxBodyBytes, Self.heldBodyLimit), timeout: bodyTimeout)
        let action = route.signed ? try await consumeUserAction(request, body: bytes, route: route, caller: caller) : nil
        do {
            let held = HeldGatewayRequest(
                upstream: upstream.name,
                operation: route.operation,
                method: request.method.rawValue,
                target: request.uri.path + (request.uri.query.map { "?" + $0 } ?? ""),
                headers: Self.kept(request.headers),
                body: bytes.isEmpty ? nil : Data(bytes).base64EncodedString(),
                userActionId: action?.id
            )
            let change = HeldChange(kind: "GatewayRequest", operationKind: "Forward", entityId: upstream.name, body: .gatewayRequest(held))
            guard let pending = try await gate.hold(change, activityKind: route.operation, outcome: outcome, caller: caller) else { return nil }
            var response = try JSONResponse(pending, status: .accepted).response(from: request, context: context)
            response.headers[.cacheControl] = "no-store"
            if let action { await signed.record(status: 202, outcome: Audited<ChangeRequest>.held(pending), of: action) }
            return response
        } catch {
            if let action { await signed.record(status: (error as? APIError)?.status.code ?? 500, of: action) }
            throw error
        }
    }

    /// What the active policies say about `operation` for the caller's organisation (cached; a
    /// policy written anywhere counts from the next request on).
    func policyOutcome(of operation: String, caller: Caller) async throws -> PolicyOutcome {
        let gate = policies
        let definitions = try await cache.policies(orgId: caller.orgId, activityKind: operation) {
            try await gate.definitions(orgId: caller.orgId, kind: operation)
        }
        guard !definitions.isEmpty else { return .notCovered }
        return PolicyOutcome.evaluate(PolicyActivity(kind: operation), under: definitions)
    }

    static func kept(_ headers: HTTPFields) -> [HeldHeader] {
        headers.filter { keptHeaders.contains($0.name.canonicalName) }.map { HeldHeader(name: $0.name.rawName, value: $0.value) }
    }

    /// Sends an approved request on, as it was held, to the route that serves it now (the same
    /// method, path, operation and upstream, or it fails), as the initiator with the token it came
    /// with. Never resent: a timeout or a lost connection is a failure, kept.
    func forward(_ held: HeldGatewayRequest, approval: ApprovalRecord, requester: ChangeRequester, approvers: [String]) async -> HeldForwardOutcome {
        let path = String(held.target.prefix { $0 != "?" })
        let query = held.target.firstIndex(of: "?").map { String(held.target[held.target.index(after: $0)...]) }
        let configuration = self.configuration
        guard let segments = try? GatewayPath.segments(of: path), let route = configuration.route(method: held.method, segments: segments),
            ExactText.equals(route.operation, held.operation), let upstream = configuration.upstreams[route.upstream],
            ExactText.equals(upstream.name, held.upstream), let target = try? GatewayForwarder.Target(upstream: upstream, path: path, query: query)
        else {
            return .failed("the gateway no longer routes \(held.method) \(path) to \(held.upstream) under \(held.operation)")
        }
        let user: UserRecord?
        let token: AccessTokenRecord?
        do {
            user = try await store.user(id: approval.initiatorId)
            token = if let tokenId = requester.tokenId { try await store.token(id: tokenId) } else { nil }
        } catch {
            return .failed("not sent: the initiator and their token could not be read (\(error)); ask again")
        }
        guard let user, let token else { return .failed("not sent: the initiator or the token the request came with is gone") }
        let body = held.body.flatMap { Data(base64Encoded: $0) }.map { [UInt8]($0) } ?? []
        do {
            var headers = HTTPHeaders(held.headers.map { ($0.name, $0.value) })
            let identity = try await forwarder.identityHeaders(
                caller: Caller(user: user, token: token),
                route: route,
                target: target,
                actionId: held.userActionId,
                approval: (approval.id, approvers)
            )
            for (name, value) in identity { headers.add(name: name.rawName, value: value) }
            headers.add(name: "X-Signet-Approval-Id", value: approval.id)
            headers.add(name: "X-Forwarded-Proto", value: "http")
            let reply = try await forwarder.exchange(
                HTTPMethod(rawValue: held.method),
                headers: headers,
                body: body.isEmpty ? .none : .bytes(body),
                to: target,
                spendsUserAction: true,
                on: MultiThreadedEventLoopGroup.singleton.next()
            )
            return .answered(await Self.kept(reply))
        } catch {
            let failure = GatewayForwarder.upstreamFailure(error, upstream)
            logger.warning("a held request approved by \(approval.id) got no answer", metadata: ["reason": "\(failure.message)"])
            // It may have reached the upstream: whether it acted is unknown, and it is never resent.
            return .failed("sent, but no answer came (\(failure.message)): whether the upstream acted is unknown; it is never resent")
        }
    }

    /// The upstream's answer as kept: status, headers, and the body's first ``keptAnswerBytes``.
    /// A body that fails midway keeps what was read, marked cut: the answer came, whatever followed.
    private static func kept(_ reply: GatewayForwarder.Reply) async -> HeldGatewayResponse {
        let collector = AnswerCollector(limit: keptAnswerBytes)
        var failed = false
        do {
            try await reply.body.write(collector)
        } catch is AnswerCollector.Full {
            // Enough is kept; the rest is not read.
        } catch {
            failed = true
        }
        let (bytes, truncated) = collector.result
        return HeldGatewayResponse(
            status: Int(reply.status.code),
            headers: reply.headers.filter { keptAnswerHeaders.contains($0.name.lowercased()) }.map { HeldHeader(name: $0.name, value: $0.value) },
            body: Data(bytes).base64EncodedString(),
            bodyTruncated: truncated || failed,
            dateForwarded: Date()
        )
    }
}

/// Reads an answer's body up to a limit, then stops it.
private final class AnswerCollector: ResponseBodyWriter, Sendable {
    struct Full: Error {}
    private let state = NIOLockedValueBox<(bytes: [UInt8], truncated: Bool)>(([], false))
    let limit: Int

    init(limit: Int) { self.limit = limit }

    var result: ([UInt8], Bool) { state.withLockedValue { ($0.bytes, $0.truncated) } }

    func write(_ buffer: ByteBuffer) async throws {
        let full = state.withLockedValue { state -> Bool in
            let room = limit - state.bytes.count
            state.bytes += buffer.readableBytesView.prefix(room)
            if buffer.readableBytes > room { state.truncated = true }
            return state.truncated
        }
        if full { throw Full() }
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
