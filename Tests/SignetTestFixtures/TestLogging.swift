import Foundation
public import Logging
public import NIOConcurrencyHelpers

/// The loggers test servers run with.
public enum TestLogging {
    /// A server's logger at `SIGNET_TEST_LOG_LEVEL` (error by default): every request logged at info
    /// drowned a failure's message in thousands of lines. Set `SIGNET_TEST_LOG_LEVEL=info` to see them.
    public static func server(label: String = "signet") -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = ProcessInfo.processInfo.environment["SIGNET_TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .error
        return logger
    }
}

/// Collects formatted lines (message, then the sorted metadata), as a text log handler would write
/// them, for tests that look at what reached a log.
public struct CapturingLogHandler: LogHandler {
    public let lines: NIOLockedValueBox<[String]>
    public var logLevel: Logger.Level = .trace
    public var metadata: Logger.Metadata = [:]

    public init(lines: NIOLockedValueBox<[String]>) {
        self.lines = lines
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let fields = metadata.merging(event.metadata ?? [:]) { $1 }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        lines.withLockedValue { $0.append("\(event.level) \(event.message) \(fields.joined(separator: " "))") }
    }
}
