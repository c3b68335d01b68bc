package import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import ServiceLifecycle

/// Listens for other nodes' changes on a dedicated connection and announces them to this node's
/// caches. While it is not listening (not yet connected, or the connection was lost) the feed is
/// not live, so caches read through to the database; on reconnecting it announces a change of
/// everything before going live again. A service: run it in the application's service group.
package struct PostgresChangeListener: Service {
    let location: PostgresLocation
    let feed: ChangeFeed
    let logger: Logger
    /// The pause before reconnecting.
    var retryDelay: Duration = .milliseconds(500)
    /// How often the listening connection proves it is alive with a round trip, and how long that
    /// may take. A connection dropped silently (no FIN, no RST: a NAT or firewall forgetting it)
    /// hears nothing and says nothing; without this the node would serve from its cache while deaf.
    var heartbeatInterval: Duration = .seconds(2)
    var heartbeatTimeout: Duration = .seconds(2)

    /// The `application_name` of the listening connection (`pg_stat_activity` shows it).
    package static let applicationName = "signet-change-listener"

    package init(driver: PostgresDriver, feed: ChangeFeed, logger: Logger) {
        self.location = driver.location
        self.feed = feed
        self.logger = logger
    }

    package func run() async throws {
        var attempt = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            attempt += 1
            let id = attempt
            do {
                try await cancelWhenGracefulShutdown {
                    try await listenOnce(connectionID: id)
                }
            } catch {
                if Task.isCancelled || Task.isShuttingDownGracefully { break }
                logger.warning("change listener disconnected; caches read the database until it is back", metadata: ["error": "\(error)"])
            }
            feed.setLive(false)
            try? await Task.sleep(for: retryDelay)
        }
        feed.setLive(false)
    }

    private func listenOnce(connectionID: Int) async throws {
        var configuration = try location.connectionConfiguration()
        // Named, so that an operator (and the tests) can tell it from the pool's connections.
        configuration.options.additionalStartupParameters.append(("application_name", Self.applicationName))
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(),
            configuration: configuration,
            id: connectionID,
            logger: logger
        )
        defer { Task { try? await connection.close() } }
        let feed = self.feed
        try await connection.listen(on: PostgresDriver.channel) { notifications in
            feed.setLive(true)
            logger.info("listening for changes from other nodes")
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await notification in notifications {
                        feed.publish(StoreChange(payload: notification.payload) ?? .authorization)
                    }
                    throw PostgresListenerEnded()
                }
                group.addTask { try await heartbeat(on: connection) }
                // Whichever ends first (both only end by failing) takes the other down.
                defer { group.cancelAll() }
                try await group.next()
            }
        }
        throw PostgresListenerEnded()
    }

    /// Round trips on the listening connection until one fails or takes longer than the timeout.
    private func heartbeat(on connection: PostgresConnection) async throws {
        let logger = self.logger
        while !Task.isCancelled {
            try await Task.sleep(for: heartbeatInterval)
            let alive = await withThrowingTaskGroup(of: Bool.self) { group -> Bool in
                group.addTask {
                    _ = try await connection.query("SELECT 1", logger: logger)
                    return true
                }
                group.addTask {
                    try await Task.sleep(for: heartbeatTimeout)
                    return false
                }
                let alive = (try? await group.next()) ?? false
                // Closing fails the round trip still waiting on a dead connection, so the group can end.
                if alive != true { try? await connection.close() }
                group.cancelAll()
                return alive == true
            }
            guard alive else {
                logger.warning("the change listener's connection stopped answering; reconnecting")
                throw PostgresListenerEnded()
            }
        }
    }

}

struct PostgresListenerEnded: Error {}
