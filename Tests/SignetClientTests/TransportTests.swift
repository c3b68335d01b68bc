import Foundation
import Hummingbird
import HummingbirdTesting
import NIOConcurrencyHelpers
import NIOHTTP1
import SignetAPI
import Testing

@testable import SignetClient

/// Timeouts, retries, cancellation and the policy-pending case, against a small stand-in server.
/// Nothing here races the machine: `/slow` never answers while the test runs (it is released at the
/// end, so the server can stop), and every wait is for an event, with a deadline only a real
/// failure reaches.
@Suite("SDK transport")
struct TransportTests {
    /// Counts requests per path, and holds `/slow` until the test is over.
    final class Counter: Sendable {
        private let counts = NIOLockedValueBox<[String: Int]>([:])
        private let released = NIOLockedValueBox(false)
        func hit(_ path: String) { counts.withLockedValue { $0[path, default: 0] += 1 } }
        func count(_ path: String) -> Int { counts.withLockedValue { $0[path, default: 0] } }
        func release() { released.withLockedValue { $0 = true } }

        /// Waits until the test is over (at most a minute).
        func hold() async {
            let deadline = ContinuousClock.now + .seconds(60)
            while !released.withLockedValue({ $0 }) && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        }

        /// Waits until `path` has had `count` requests; false after 30 seconds.
        func waitFor(_ path: String, count: Int) async -> Bool {
            let deadline = ContinuousClock.now + .seconds(30)
            while self.count(path) < count && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
            return self.count(path) >= count
        }
    }

    static func withStandIn(_ body: @Sendable (String, Counter) async throws -> Void) async throws {
        let counter = Counter()
        let router = Router()
        router.get("slow") { request, _ -> String in
            counter.hit(request.uri.path)
            await counter.hold()
            return "late"
        }
        router.post("slow") { request, _ -> String in
            counter.hit(request.uri.path)
            await counter.hold()
            return "late"
        }
        router.get("flaky") { request, _ -> Response in
            counter.hit(request.uri.path)
            if counter.count(request.uri.path) < 3 { return Response(status: .serviceUnavailable) }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"{"message":"finally"}"#)))
        }
        router.get("pending") { _, _ in Response(status: .accepted, body: .init(byteBuffer: ByteBuffer(string: #"{"id":"cr-1"}"#))) }
        router.get("refused") { _, _ in
            Response(status: .forbidden, body: .init(byteBuffer: ByteBuffer(string: #"{"error":{"status":403,"message":"no"}}"#)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            defer { counter.release() }
            try await body("http://127.0.0.1:\(client.port ?? 0)", counter)
        }
    }

    /// A client whose timeout fires against `/slow` (which never answers), yet is long enough that a
    /// busy machine still sends each attempt before it.
    static func client(_ baseURL: String) throws -> SignetClient {
        try SignetClient(
            baseURL: baseURL,
            organizationID: "or-x",
            authToken: nil,
            configuration: .init(timeout: .seconds(2), readAttempts: 3, retryDelay: .milliseconds(10))
        )
    }

    @Test("A read that times out is retried, then reported as a timeout")
    func readTimeout() async throws {
        try await Self.withStandIn { baseURL, counter in
            do {
                _ = try await Self.client(baseURL).transport.sendRaw(.GET, "/slow")
                Issue.record("a server that never answers gave an answer")
            } catch let error as SignetClientError {
                #expect(error.errorType == .timeout)
            }
            #expect(await counter.waitFor("/slow", count: 3))
        }
    }

    @Test("A 503 on a read is retried until it succeeds")
    func retriedRead() async throws {
        try await Self.withStandIn { baseURL, counter in
            let reply: MessageResponse = try await Self.client(baseURL).transport.send(.GET, "/flaky")
            #expect(reply.message == "finally" && counter.count("/flaky") == 3)
        }
    }

    @Test("A write is never retried")
    func writeNotRetried() async throws {
        try await Self.withStandIn { baseURL, counter in
            await #expect(throws: SignetClientError.self) {
                try await Self.client(baseURL).transport.sendRaw(.POST, "/slow", body: MessageResponse(message: "x"))
            }
            #expect(await counter.waitFor("/slow", count: 1))
            // A retry would follow the timeout after 10 ms; a loaded machine can only delay it past this
            // wait, so this check may miss a retry but never fails a client that does not retry.
            try await Task.sleep(for: .milliseconds(500))
            #expect(counter.count("/slow") == 1)
        }
    }

    @Test("202 is policy pending; an error envelope becomes the server's message")
    func statuses() async throws {
        try await Self.withStandIn { baseURL, _ in
            do {
                _ = try await Self.client(baseURL).transport.sendRaw(.GET, "/pending")
                Issue.record("expected policy pending")
            } catch let error as SignetClientError where error.errorType == .policyPending {
                #expect(error.status == 202)
                #expect(String(decoding: error.body ?? Data(), as: UTF8.self).contains("cr-1"))
            }
            do {
                _ = try await Self.client(baseURL).transport.sendRaw(.GET, "/refused")
                Issue.record("expected a refusal")
            } catch let error as SignetClientError where error.errorType == .server {
                #expect(error.status == 403 && error.message == "no")
            }
        }
    }

    @Test("Cancelling the task cancels the request")
    func cancellation() async throws {
        try await Self.withStandIn { baseURL, counter in
            // A timeout far beyond the test: only cancellation can end this request early.
            let client = try SignetClient(baseURL: baseURL, organizationID: "or-x", authToken: nil, configuration: .init(timeout: .seconds(600)))
            let task = Task { try await client.transport.sendRaw(.GET, "/slow") }
            #expect(await counter.waitFor("/slow", count: 1))
            task.cancel()
            switch await task.result {
            case .success: Issue.record("a server that never answers gave an answer")
            case .failure(let error as SignetClientError): #expect(error.errorType != .timeout, "\(error)")
            case .failure: break  // CancellationError
            }
            #expect(counter.count("/slow") == 1, "a cancelled read is not retried")
        }
    }
}
