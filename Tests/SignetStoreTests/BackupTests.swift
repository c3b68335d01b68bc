import Foundation
import NIOConcurrencyHelpers
import SignetCore
import SignetStore
import Testing

@Suite("Online backup of a SQLite store")
struct BackupTests {
    @Test("A backup taken under write load holds every write acknowledged before it started, and opens as a store")
    func backupUnderLoad() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-backup-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let serving = try await SQLStore.sqlite(path: directory + "/signet.sqlite")
        let acknowledged = NIOLockedValueBox(0)
        let writer = Task {
            var index = 0
            while !Task.isCancelled {
                index += 1
                try await serving.insertOrganization(OrganizationRecord(id: "or-load-\(index)", name: "load \(index)", createdAt: Date()))
                acknowledged.withLockedValue { $0 = index }
            }
        }
        // Some writes first (however loaded the machine is).
        for _ in 0..<200 where acknowledged.withLockedValue({ $0 }) < 20 { try await Task.sleep(for: .milliseconds(50)) }
        // Another connection (as `signet backup` is another process) copies while the writer runs.
        let before = acknowledged.withLockedValue { $0 }
        let copier = try await SQLStore.sqlite(path: directory + "/signet.sqlite")
        let (seen, watcher) = Self.watchModes(in: directory)
        let copied: Result<Void, any Error>
        do {
            try await copier.backup(to: directory + "/copy.sqlite")
            copied = .success(())
        } catch {
            copied = .failure(error)
        }
        watcher.cancel()
        _ = await watcher.result
        try await copier.shutdown()
        for (name, modes) in seen.withLockedValue({ $0 }) {
            for mode in modes where mode >= 0 {
                #expect(mode == 0o600 || mode == 0o700, "\(name) was mode \(String(mode, radix: 8)) while the backup was written")
            }
        }
        let finalMode = try FileManager.default.attributesOfItem(atPath: directory + "/copy.sqlite")[.posixPermissions] as? Int
        #expect(finalMode == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).allSatisfy { !$0.hasPrefix(".signet-backup") })
        try await Task.sleep(for: .milliseconds(100))
        writer.cancel()
        _ = await writer.result
        let after = acknowledged.withLockedValue { $0 }
        try await serving.shutdown()
        try copied.get()

        let restored = try await SQLStore.sqlite(path: directory + "/copy.sqlite")
        let count = try await restored.organizations().count
        try await restored.shutdown()
        #expect(before > 0 && count >= before, "acknowledged before the backup: \(before), in the copy: \(count)")
        #expect(count <= after, "the copy cannot hold writes that never happened")
        let again = try await SQLStore.sqlite(path: directory + "/signet.sqlite")
        await #expect(throws: (any Error).self) { try await again.backup(to: directory + "/copy.sqlite") }  // never over a file
        do {
            try await again.backup(to: directory + "/nodir/x.sqlite")
            Issue.record("a backup into a missing folder was not refused")
        } catch let refusal as SQLStore.BackupRefusal {
            #expect(refusal.description.contains("nodir does not exist"))
        }
        try await again.shutdown()
    }

    /// Every file and folder that appears beside the store (until the task is cancelled), with every
    /// mode it was seen with (a file created readable and made private later shows both).
    static func watchModes(in directory: String) -> (NIOLockedValueBox<[String: Set<Int>]>, Task<Void, Never>) {
        let seen = NIOLockedValueBox<[String: Set<Int>]>([:])
        let watcher = Task {
            while !Task.isCancelled {
                for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where !name.hasPrefix("signet.sqlite") {
                    let mode = (try? FileManager.default.attributesOfItem(atPath: directory + "/" + name)[.posixPermissions] as? Int) ?? -1
                    seen.withLockedValue { _ = $0[name, default: []].insert(mode) }
                }
                try? await Task.sleep(for: .milliseconds(1))
            }
        }
        return (seen, watcher)
    }
}
