/// Times one operation by running it repeatedly for a fixed budget.
struct Measure: Sendable {
    /// How long each benchmark runs (after a short warm-up).
    let budget: Duration

    /// One benchmark's result.
    struct Result: Sendable {
        let name: String
        let iterations: Int
        /// Mean wall time of one operation, in nanoseconds, on one core.
        let nanoseconds: Double

        var operationsPerSecond: Double { nanoseconds > 0 ? 1e9 / nanoseconds : 0 }
        var microseconds: Double { nanoseconds / 1000 }
    }

    /// Runs `body` (which performs `batch` operations per call) until the budget is spent.
    func run(_ name: String, batch: Int = 1, _ body: () async throws -> Void) async throws -> Result {
        for _ in 0..<3 { try await body() }
        let clock = ContinuousClock()
        let start = clock.now
        var calls = 0
        repeat {
            try await body()
            calls += 1
        } while clock.now - start < budget
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let operations = calls * batch
        return Result(name: name, iterations: operations, nanoseconds: seconds * 1e9 / Double(operations))
    }
}

/// Keeps a value alive so the optimiser cannot remove the work that made it.
@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}
