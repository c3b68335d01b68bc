import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import ServiceLifecycle

/// Listens for other nodes' changes on a dedicated connection and announces them to this node's
/// caches. While it is not listening (not yet connected, or the connection was lost) the feed is
/// not live, so caches read through to the database; on reconnecting it announces a change of
/// everything before going live again. A service: run it in the application's service group.
public struct PostgresChangeListener: Service {
    let location: PostgresLocation
    let feed: ChangeFeed
    let logger: Logger
    /// The pause before reconnecting.
    var retryDelay: Duration = .milliseconds(500)

    public init(driver: PostgresDriver, feed: ChangeFeed, logger: Logger) {
        self.location = driver.location
        self.feed = feed
        self.logger = logger
    }

    public func run() async throws {
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
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: try location.connectionConfiguration(), id: connectionID,
            logger: logger)
        defer { Task { try? await connection.close() } }
        let notifications = try await connection.listen(PostgresDriver.channel)
        feed.setLive(true)
        logger.info("listening for changes from other nodes")
        for try await notification in notifications {
            feed.publish(StoreChange(rawValue: notification.payload) ?? .authorization)
        }
        throw PostgresListenerEnded()
    }

}

struct PostgresListenerEnded: Error {}
