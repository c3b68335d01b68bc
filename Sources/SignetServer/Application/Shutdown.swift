import Foundation
package import Logging
import NIOConcurrencyHelpers
package import ServiceLifecycle
import UnixSignals

#if canImport(Glibc)
    import Glibc
#endif

/// How `signet serve` stops, in every state (database down, change listener reconnecting, requests
/// in flight, gateway upstreams hanging): on SIGTERM or SIGINT it logs "stopping", stops accepting
/// connections, lets requests in flight finish for up to ``drain``, then cancels what is left; the
/// process has exited at the latest ``limit`` after the signal, whatever hangs. A second signal exits
/// at once. A signal before the server runs (say, while the database does not answer at start) exits
/// at once too: nothing is being served.
package enum Shutdown {
    /// How long requests in flight may take to finish once a stop is asked for.
    package static let drain: Duration = .seconds(10)
    /// The latest a stop ends the process, counted from the signal.
    package static let limit: Duration = .seconds(20)
    /// How long cancelled services may take to end when no signal began the stop (then ServiceLifecycle ends the process).
    package static let lastResort: Duration = .seconds(60)

    private static let serving = NIOLockedValueBox(false)

    /// Traps SIGTERM and SIGINT for the whole run of `signet serve`: call first.
    package static func watch(logger: Logger) {
        Task.detached {
            var signals = 0
            for await signal in await UnixSignalsSequence(trapping: .sigterm, .sigint) {
                signals += 1
                guard serving.withLockedValue({ $0 }), signals == 1 else {
                    logger.notice("stopped", metadata: ["signal": "\(signal)", "forced": "\(signals > 1)"])
                    end(signals > 1 ? 1 : 0)
                }
                logger.notice("stopping", metadata: ["signal": "\(signal)", "drain": "\(drain)"])
                Task.detached {
                    try? await Task.sleep(for: limit)
                    logger.critical("stopped: the server did not stop within \(limit) of the signal; exiting")
                    end(1)
                }
            }
        }
    }

    /// Ends the process now, output flushed, without running exit handlers while other threads still
    /// run (they could crash on what the handlers tear down).
    private static func end(_ status: Int32) -> Never {
        fflush(nil)
        _exit(status)
    }

    /// Runs `service` (the application) until a signal stops it, with the drain bound.
    package static func run(_ service: some Service, logger: Logger) async throws {
        serving.withLockedValue { $0 = true }
        var configuration = ServiceGroupConfiguration(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = drain
        // Past this bound ServiceLifecycle ends the process with a fatal error, whose backtrace can
        // take longer than any bound on a loaded machine (a node once hung 30 s in it). After a
        // signal the watchdog of ``watch(logger:)`` ends the process first, at ``limit``, with a log
        // line; the bound is left for a stop no signal began (a service that failed).
        configuration.maximumCancellationDuration = lastResort
        try await ServiceGroup(configuration: configuration).run()
    }
}
