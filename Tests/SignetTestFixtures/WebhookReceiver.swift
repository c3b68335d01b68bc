import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SignetAPI
import SignetCore
import Testing

/// An endpoint for webhook tests, on 127.0.0.1: it records every delivery (the exact body and the
/// signature headers) and answers with the statuses a test queues (200 once they run out).
public actor WebhookReceiver {
    public struct Delivery: Sendable {
        public let body: [UInt8]
        public let signature: String?
        public let previousSignature: String?

        /// The body as Dfns' event object.
        public var event: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
        public var id: String { event["id"] as? String ?? "" }
        public var kind: String { event["kind"] as? String ?? "" }
        public var data: [String: Any] { event["data"] as? [String: Any] ?? [:] }
    }

    public private(set) var deliveries: [Delivery] = []
    private var statuses: [HTTPResponse.Status] = []
    private var held = 0
    private var released = false

    /// The next answers, in order.
    public func answer(_ statuses: [HTTPResponse.Status]) { self.statuses += statuses }

    /// The next `count` deliveries are recorded and not answered until ``release()`` (or a minute).
    public func hold(_ count: Int) { held += count }

    /// Answers the held deliveries (with 200).
    public func release() { released = true }

    fileprivate func receive(_ delivery: Delivery) async -> HTTPResponse.Status {
        deliveries.append(delivery)
        if held > 0 {
            held -= 1
            for _ in 0..<1200 where !released { try? await Task.sleep(for: .milliseconds(50)) }
            return .ok
        }
        return statuses.isEmpty ? .ok : statuses.removeFirst()
    }

    /// Waits until `condition` holds for the deliveries, for up to `seconds` (a deadline only a real
    /// failure reaches), and returns them.
    public func wait(seconds: Int = 30, until condition: @Sendable ([Delivery]) -> Bool) async throws -> [Delivery] {
        for _ in 0..<(seconds * 20) {
            if condition(deliveries) { return deliveries }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("webhook deliveries never met the condition; received \(deliveries.map(\.kind))")
        return deliveries
    }

    /// Runs `body` with a receiver listening at the URL it is given.
    public static func with<T: Sendable>(_ body: @Sendable (WebhookReceiver, String) async throws -> T) async throws -> T {
        let receiver = WebhookReceiver()
        let router = Router()
        router.post("hook") { request, _ in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let delivery = Delivery(
                body: Array(buffer: bytes),
                signature: request.headers[HTTPField.Name(WebhookSignature.header)!],
                previousSignature: request.headers[HTTPField.Name(WebhookSignature.previousHeader)!]
            )
            return Response(status: await receiver.receive(delivery))
        }
        // Answers 200 with a body it trickles for 300 seconds: a byte every 2 seconds, so no read
        // timeout ends it; only a deadline on the whole exchange does (the client's going away ends it).
        router.post("slow") { _, _ in
            Response(
                status: .ok,
                headers: [.contentLength: "4000"],
                body: ResponseBody { writer in
                    for _ in 0..<150 {
                        try await writer.write(ByteBuffer(string: "x"))
                        try await Task.sleep(for: .seconds(2))
                    }
                    try await writer.finish(nil)
                }
            )
        }
        return try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(.live) { client in
            try await body(receiver, "http://127.0.0.1:\(client.port ?? 0)/hook")
        }
    }
}
