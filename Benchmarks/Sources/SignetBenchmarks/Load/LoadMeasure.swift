import Foundation
import NIOConcurrencyHelpers

/// What a load run measured, and how it runs the operations.
extension LoadCommand {
    struct Report: CustomStringConvertible {
        var completed: Int
        var failed: Int
        var seconds: Double
        var latencies: [Double]

        func percentile(_ p: Double) -> Double {
            guard !latencies.isEmpty else { return 0 }
            let sorted = latencies.sorted()
            return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
        }

        var description: String {
            String(
                format: "per_second=%.1f p50_ms=%.2f p99_ms=%.2f completed=%d failed=%d",
                Double(completed) / seconds,
                percentile(0.5) * 1000,
                percentile(0.99) * 1000,
                completed,
                failed
            )
        }
    }

    /// Runs `operation` from `concurrency` tasks until `seconds` have passed; with a `rate`, the
    /// operations start evenly spaced at that many per second.
    static func measure(
        seconds: Double,
        concurrency: Int,
        rate: Double = 0,
        _ operation: @escaping @Sendable (Int) async throws -> Void
    ) async throws
        -> Report
    {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + .milliseconds(Int(seconds * 1000))
        let counter = NIOLockedValueBox(0)
        let outcomes = try await withThrowingTaskGroup(of: ([Double], Int).self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var latencies: [Double] = []
                    var failed = 0
                    while clock.now < deadline {
                        let index = counter.withLockedValue { value -> Int in
                            value += 1
                            return value
                        }
                        if rate > 0 {
                            let slot = start + .nanoseconds(Int64(Double(index - 1) / rate * 1e9))
                            guard slot < deadline else { break }
                            if slot > clock.now { try await Task.sleep(until: slot, clock: clock) }
                        }
                        let began = clock.now
                        do {
                            try await operation(index)
                            let elapsed = clock.now - began
                            latencies.append(Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds))
                        } catch {
                            failed += 1
                            if failed == 1 { FileHandle.standardError.write(Data("first failure: \(error)\n".utf8)) }
                        }
                    }
                    return (latencies, failed)
                }
            }
            var all: [([Double], Int)] = []
            for try await outcome in group { all.append(outcome) }
            return all
        }
        let elapsed = clock.now - start
        let total = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let latencies = outcomes.flatMap(\.0)
        return Report(completed: latencies.count, failed: outcomes.map(\.1).reduce(0, +), seconds: total, latencies: latencies)
    }

    /// User plus system CPU time of a process, from /proc (Linux).
    static func cpuSeconds(pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command name: state is field 3, utime 14 and stime 15 (1-based), so indices 11 and 12 here.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (user + system) / ticks
    }
}
