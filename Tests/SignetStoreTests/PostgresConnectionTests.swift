import Foundation
import Logging
import PostgresNIO
import SignetTestFixtures
import Testing

@testable import SignetStore

/// The PostgreSQL connection's security defaults, and the change listener noticing a silent drop.
@Suite("PostgreSQL connections")
struct PostgresConnectionTests {
    @Test("TLS is required by default for a host that is not loopback; loopback prefers it; unknown modes are refused")
    func tlsDefaults() throws {
        #expect(try PostgresLocation(url: "postgres://u:p@db.example.com/signet").tls == .require)
        #expect(try PostgresLocation(url: "postgres://u:p@10.0.0.5:5432/signet").tls == .require)
        #expect(try PostgresLocation(url: "postgres://u:p@127.0.0.1/signet").tls == .prefer)
        #expect(try PostgresLocation(url: "postgres://u:p@localhost/signet").tls == .prefer)
        #expect(try PostgresLocation(url: "postgres://u:p@[::1]/signet").tls == .prefer)
        #expect(try PostgresLocation(url: "postgres://u:p@db.example.com/signet?sslmode=disable").tls == .disable)
        #expect(
            try PostgresLocation(url: "postgres://u:p@db.example.com/signet?sslmode=verify-full&sslrootcert=/ca.pem").rootCertificatePath == "/ca.pem"
        )
        #expect(throws: PostgresURLError.self) { try PostgresLocation(url: "postgres://u:p@db.example.com/signet?sslmode=sometimes") }
    }

    @Test("pool_size caps a node's connections: 20 unless the URL says, from 1 to 500")
    func poolSize() throws {
        #expect(try PostgresLocation(url: "postgres://u:p@127.0.0.1/signet").clientConfiguration.options.maximumConnections == 20)
        #expect(try PostgresLocation(url: "postgres://u:p@127.0.0.1/signet?pool_size=5").clientConfiguration.options.maximumConnections == 5)
        for bad in ["0", "501", "ten", ""] {
            #expect(throws: PostgresURLError.self, "\(bad)") { try PostgresLocation(url: "postgres://u:p@127.0.0.1/signet?pool_size=\(bad)") }
        }
    }

    @Test(
        "A listening connection that goes silent (no FIN, no RST) is noticed: the feed stops being live",
        .enabled(if: TestDatabase.available.contains(.postgres))
    )
    func silentDropIsNoticed() async throws {
        guard let base = TestDatabase.postgresURL, var components = URLComponents(string: base),
            let port = components.port
        else { return }
        let proxy = try FreezableProxy(upstreamPort: port)
        defer { proxy.stop() }
        components.host = "127.0.0.1"
        components.port = proxy.port
        var logger = Logger(label: "signet.test")
        logger.logLevel = .critical
        let driver = try PostgresDriver(url: try #require(components.string), logger: logger)
        let feed = ChangeFeed(live: false)
        var listener = PostgresChangeListener(driver: driver, feed: feed, logger: logger)
        // Generous enough for a machine busy with every other test at once (a CI run failed once with
        // a 1-second timeout: the listener kept timing out and reconnecting under load and was never
        // seen live). A missed heartbeat only delays going live; it cannot fake the result.
        listener.heartbeatInterval = .milliseconds(200)
        listener.heartbeatTimeout = .seconds(5)
        listener.retryDelay = .milliseconds(500)
        let running = Task { [listener] in try await listener.run() }
        defer { running.cancel() }
        #expect(await Self.eventually(within: 60) { feed.isLive }, "the listener never went live")
        proxy.freeze()
        #expect(await Self.eventually(within: 60) { !feed.isLive }, "a silently dropped listener still counts as live")
    }

    static func eventually(within seconds: Double = 5, _ condition: @Sendable () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }
}
