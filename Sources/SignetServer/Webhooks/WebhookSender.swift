import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import SignetAPI
import SignetCore
import SignetStore

/// Sends one event to one webhook: the body, its signatures, and how the endpoint answered.
///
/// The body is compact JSON with its keys sorted and no escaped slashes, so the bytes a receiver
/// gets are the bytes `JSON.stringify(JSON.parse(body))` gives back (the check Dfns' documentation
/// shows). `X-DFNS-WEBHOOK-SIGNATURE` is `sha256=` and the HMAC-SHA256 of those bytes with the
/// webhook's secret; during a secret rotation's overlap, `X-Signet-Webhook-Previous-Signature`
/// carries the previous secret's. Redirects are never followed (a 3xx is a failed delivery).
struct WebhookSender: Sendable {
    /// The webhooks' own client: no redirects, a short connect timeout, and a refused connection
    /// fails the attempt at once (the dispatcher retries on its own schedule).
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout.connect = .seconds(5)
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.read = .seconds(10)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// How long an endpoint may take to answer.
    var timeout: Duration = .seconds(10)

    /// What a delivery sends: Dfns' webhook event, with `deliveryAttempt` and `retryOf`.
    struct Body: Encodable {
        let id: String
        let kind: String
        let date: Date
        let data: WebhookEventData
        let deliveryAttempt: Int
        let retryOf: String?
        let timestampSent: Int64
    }

    /// The exact bytes sent for `event` at `timestampSent` (Unix seconds).
    static func body(for event: WebhookEventRecord, timestampSent: Int64) throws -> [UInt8] {
        let data = try SignetJSON.decoder().decode(WebhookEventData.self, from: Data(event.data.utf8))
        let body = Body(
            id: event.id,
            kind: event.kind,
            date: event.createdAt,
            data: data,
            deliveryAttempt: event.deliveryAttempt,
            retryOf: event.retryOf,
            timestampSent: timestampSent
        )
        return Array(try SignetJSON.encoder().encode(body))
    }

    /// How an endpoint answered: its status as text, or `failed` and why.
    struct Answer: Sendable, Equatable {
        var status: String
        var error: String?
        var delivered: Bool
    }

    /// POSTs `body` to the webhook, signed with its secrets as they stand at `date`. The whole
    /// exchange, the answer's body included, ends within ``timeout``: an endpoint that trickles
    /// its answer cannot hold a delivery (or the node's shutdown). A refusal names no more than its
    /// kind: the events list and ping must not tell the organisation what lies on Signet's network.
    func send(_ body: [UInt8], to webhook: WebhookRecord, at date: Date) async -> Answer {
        var request = HTTPClientRequest(url: webhook.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Signet webhooks")
        request.headers.add(name: WebhookSignature.header, value: WebhookSignature.sign(body, secret: webhook.secret))
        if let previous = webhook.previousSecret, let until = webhook.previousSecretUntil, until > date {
            request.headers.add(name: WebhookSignature.previousHeader, value: WebhookSignature.sign(body, secret: previous))
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        let timeout = self.timeout
        let late = Answer(status: "failed", error: "the endpoint did not answer within \(timeout)", delivered: false)
        // A race that does not wait for the loser: the exchange is cancelled at the deadline and
        // left to end on its own (an HTTP client's read may not heed cancellation at once).
        return await withCheckedContinuation { continuation in
            let pending = NIOLockedValueBox<CheckedContinuation<Answer, Never>?>(continuation)
            let finish: @Sendable (Answer) -> Void = { answer in
                pending.withLockedValue { waiting in
                    defer { waiting = nil }
                    return waiting
                }?.resume(returning: answer)
            }
            // Outside any signed request's single use (a task inherits it; this one writes nothing anyway).
            let exchange = Task { [request] in
                finish(await DeferredSingleUse.$current.withValue(nil) { await Self.exchange(request, timeout: timeout) })
            }
            Task {
                try? await Task.sleep(for: timeout)
                exchange.cancel()
                finish(late)
            }
        }
    }

    private static func exchange(_ request: HTTPClientRequest, timeout: Duration) async -> Answer {
        do {
            let response = try await client.execute(request, timeout: TimeAmount(timeout))
            // The answer's body is read (up to 4 KiB) and dropped, so the connection can be reused.
            _ = try? await response.body.collect(upTo: 4096)
            let code = response.status.code
            if (200..<300).contains(code) { return Answer(status: "\(code)", error: nil, delivered: true) }
            let reason = (300..<400).contains(code) ? "the endpoint redirected, which Signet does not follow" : "the endpoint answered \(code)"
            return Answer(status: "\(code)", error: reason, delivered: false)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            return Answer(status: "failed", error: "the endpoint did not answer within \(timeout)", delivered: false)
        } catch {
            return Answer(status: "failed", error: "the endpoint could not be reached", delivered: false)
        }
    }
}
