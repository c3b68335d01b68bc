import Foundation
import Logging
import SQLKit
import SignetStore

/// SQLite writes with `synchronous = FULL`, 16 writers at once: sharing commits (group commit, as
/// `signet serve` runs) against one commit each. Each insert waits for its commit to be durable.
enum GroupCommitWrites {
    static func measure(_ measure: Measure) async throws -> [Measure.Result] {
        [
            try await run(measure, name: "SQLite insert, 16 writers at once, synchronous FULL: commits shared (group commit)", batchMembers: 256),
            try await run(measure, name: "SQLite insert, 16 writers at once, synchronous FULL: one commit each", batchMembers: 1),
        ]
    }

    private static func run(_ measure: Measure, name: String, batchMembers: Int) async throws -> Measure.Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let driver = try await SQLiteDriver.open(path: directory + "/w.sqlite", logger: Logger(label: "bench"), batchMembers: batchMembers)
        do {
            try await driver.withWriter { try await $0.raw("CREATE TABLE t (id TEXT PRIMARY KEY, at BIGINT NOT NULL)").run() }
            let result = try await measure.run(name, batch: 16) {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<16 {
                        group.addTask {
                            try await driver.withWriter { database in
                                try await database.raw("INSERT INTO t (id, at) VALUES (\(bind: UUID().uuidString), \(bind: 1))").run()
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            try await driver.shutdown()
            return result
        } catch {
            try? await driver.shutdown()
            throw error
        }
    }
}
