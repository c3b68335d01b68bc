import SignetServer

extension ServerConfiguration {
    /// A configuration whose webhooks retry a fraction of a second apart and poll often.
    static func fastWebhooks(clock: TestClock? = nil) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.webhooks.retryDelays = [0.2, 0.2, 0.2, 0.2]
        configuration.webhooks.pollInterval = .milliseconds(100)
        configuration.webhooks.timeout = .seconds(5)
        if let clock { configuration.now = clock.now }
        return configuration
    }
}
