import AsyncHTTPClient
import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import SignetAPI
import SignetStore
import SignetTestFixtures
import Testing

@testable import SignetServer

/// `/metrics` on its own listener: scraped before and after a known sequence of requests, each
/// count moves by at least what the sequence did. (The metrics are the process's: tests running
/// at the same time add to them, so exact deltas would fail for no fault of the server.)
@Suite("Metrics", .serialized)
struct MetricsTests {
    /// The sum of the samples of `name` whose labels include every one of `labels`.
    static func value(_ text: String, _ name: String, _ labels: [String]) -> Double {
        text.split(separator: "\n").filter { line in
            line.hasPrefix(name + "{") && labels.allSatisfy { line.contains($0) }
        }.compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
    }

    static func scrape(_ port: Int) async throws -> String {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics"), timeout: .seconds(30))
        #expect(response.status == .ok)
        #expect(response.headers.first(name: "Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        return String(buffer: try await response.body.collect(upTo: 16 << 20))
    }

    @Test("Requests by route and status, refusals by reason, signed writes and cache lookups are counted")
    func counts() async throws {
        var configuration = ServerConfiguration()
        configuration.metricsPort = 0
        let (ports, sink) = AsyncStream.makeStream(of: Int.self)
        configuration.onMetricsRunning = { port in sink.yield(port) }
        try await TestServer.withLive(.sqlite, configuration: configuration) { server, api, _ in
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let admin = try await server.admin(api)
            let before = try await Self.scrape(port)
            for _ in 0..<3 { _ = try await api.send(.get, "/auth/whoami", token: admin.token) }
            for _ in 0..<2 { _ = try await api.send(.get, "/auth/whoami", token: "not-a-token") }
            _ = try await api.createRole(as: admin, operations: ["Auth:Users:Read"])
            let after = try await Self.scrape(port)
            func delta(_ name: String, _ labels: [String]) -> Double { Self.value(after, name, labels) - Self.value(before, name, labels) }

            #expect(delta("hb_requests", [#"http_route="/auth/whoami""#, #"http_response_status_code="200""#]) >= 3, "\(after.prefix(3000))")
            #expect(delta("hb_requests", [#"http_route="/auth/whoami""#, #"http_response_status_code="401""#]) >= 2)
            #expect(delta("signet_refusals_total", [#"reason="not_authenticated""#, #"status="401""#]) >= 2)
            #expect(delta("signet_signed_writes_total", [#"kind="user_action""#]) >= 1)
            #expect(delta("signet_authorization_cache_total", [#"result="hit""#]) >= 2)
            #expect(after.contains("http_server_request_duration"))
            #expect(delta("signet_database_duration_count", [#"kind="write""#]) >= 1, "the role's creation wrote")
            #expect(delta("signet_database_duration_count", [#"kind="read""#]) >= 1)
        }
    }

    @Test("Gateway requests count the upstream's status and time")
    func upstream() async throws {
        SignetMetrics.bootstrap()
        try await GatewayForwardingTests.withGateway(.sqlite) { server, api, _, _ in
            let admin = try await server.admin(api)
            let before = SignetMetrics.text()
            for _ in 0..<2 { #expect(try await api.send(.get, "/wallets", token: admin.token).status == .ok) }
            let after = SignetMetrics.text()
            func delta(_ name: String, _ labels: [String]) -> Double { Self.value(after, name, labels) - Self.value(before, name, labels) }
            #expect(delta("signet_gateway_upstream_responses_total", [#"upstream="wallets""#, #"status="200""#]) >= 2, "\(after.suffix(2000))")
            #expect(delta("signet_gateway_upstream_duration_count", [#"upstream="wallets""#]) >= 2)
        }
    }

    @Test("Tokens are counted by kind and state", arguments: TestDatabase.available)
    func tokens(database: TestDatabase.Kind) async throws {
        SignetMetrics.bootstrap()
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (kept, _) = try await api.createPat(as: admin)
            let (stopped, _) = try await api.createPat(as: admin)
            #expect(try await api.signed(.put, "/auth/pats/\(stopped.tokenId)/deactivate", as: admin).status == .ok)
            let counts = try await server.store.tokenCounts(at: Date())
            #expect(counts.first { $0.kind == .pat && $0.state == "active" }?.count == 1, "\(counts) \(kept.tokenId)")
            #expect(counts.first { $0.kind == .pat && $0.state == "inactive" }?.count == 1)
            let later = try await server.store.tokenCounts(at: Date().addingTimeInterval(1000 * 86400))
            #expect(later.contains { $0.kind == .pat && $0.state == "expired" && $0.count == 1 }, "\(later)")
            try await TokenGauges(store: server.store, logger: .init(label: "signet.test"), now: { Date() }).refresh()
            let text = SignetMetrics.text()
            #expect(Self.value(text, "signet_tokens", [#"kind="Pat""#, #"state="active""#]) == 1, "\(text.suffix(1500))")
            #expect(Self.value(text, "signet_tokens", [#"kind="Pat""#, #"state="inactive""#]) == 1)
        }
    }
}
