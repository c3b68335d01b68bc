import Hummingbird
package import Logging
import NIOCore
import ServiceLifecycle

/// `/metrics` on a listener of its own (loopback by default: metrics name routes and refusal
/// reasons, which are an operator's business), run in the application's service group.
package struct MetricsServer: Service {
    let host: String
    let port: Int
    let logger: Logger
    /// Called with the bound port (useful with port 0).
    let onServerRunning: @Sendable (Int) async -> Void

    package init(host: String, port: Int, logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) {
        self.host = host
        self.port = port
        self.logger = logger
        self.onServerRunning = onServerRunning
    }

    package func run() async throws {
        let router = Router()
        router.get("/metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: SignetMetrics.text()))
            )
        }
        let onServerRunning = self.onServerRunning
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "Signet metrics"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        try await app.run()
    }
}
