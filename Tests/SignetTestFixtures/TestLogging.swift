import Foundation
public import Logging

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
