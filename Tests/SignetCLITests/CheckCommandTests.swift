import Foundation
import Testing

/// `signet check`: SQLite's integrity check, without writing to the store it checks.
@Suite("signet check")
struct CheckCommandTests {
    @Test("A sound store passes unchanged, a damaged file fails naming its problems, a missing one or PostgreSQL is a usage error")
    func check() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-check-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cli = CommandRunner(directory: directory, environment: ["SIGNET_CONFIG_DIR": directory + "/config", "PATH": "/usr/bin:/bin"])
        try await cli.succeed(["keygen", "--out", "admin"])
        try await cli.succeed([
            "init", "--database", "data/signet.sqlite", "--org-name", "Check", "--email", "admin@check.example", "--public-key", "admin.public.pem",
        ])
        let store = directory + "/data/signet.sqlite"
        let before = try Data(contentsOf: URL(fileURLWithPath: store))
        let sound = try await cli.succeed(["check", "--database", "data/signet.sqlite"])
        #expect(sound.stdout.contains("sound"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: store)) == before, "checking wrote to the store")

        // A page of an index overwritten: SQLite's check names it, and the command fails.
        var damaged = before
        let page = 4096
        if damaged.count > 3 * page { damaged.replaceSubrange((2 * page)..<(2 * page + 512), with: Data(repeating: 0x5A, count: 512)) }
        try damaged.write(to: URL(fileURLWithPath: directory + "/damaged.sqlite"))
        let broken = try await cli.run(["check", "--database", "damaged.sqlite"])
        #expect(broken.status == 1, "\(broken.stdout) \(broken.stderr)")
        #expect(broken.stderr.contains("damaged") || broken.stderr.contains("could not be read"), "\(broken.stderr)")

        #expect(try await cli.run(["check", "--database", "missing.sqlite"]).status == 2)
        #expect(try await cli.run(["check", "--database", "postgres://signet@127.0.0.1:1/signet"]).status == 2)
    }
}
