import AsyncHTTPClient
import Logging
import ServiceLifecycle
import UnixSignals

/// Reads the gateway configuration again on `SIGHUP`. A file that does not load (bad YAML, an
/// unknown operation, an overlap, an operation a role still uses) is refused with its line and the
/// routes in force stay.
struct GatewayReloader: Service {
    let gateway: Gateway
    let file: String
    let logger: Logger

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            do {
                try await gateway.reload(try GatewayConfiguration.load(file: file))
                logger.notice("gateway configuration reloaded", metadata: ["file": "\(file)", "routes": "\(gateway.configuration.routes.count)"])
            } catch {
                logger.error("gateway configuration refused; the previous routes stay", metadata: ["file": "\(file)", "error": "\(error)"])
            }
        }
    }
}

/// Shuts the gateway's HTTP client down when the server stops.
struct GatewayClientCloser: Service {
    let gateway: Gateway

    func run() async throws {
        try? await gracefulShutdown()
        gateway.forwarder.connections.shutdown()
        try await gateway.forwarder.client.shutdown()
    }
}
