import Foundation
package import Logging
import NIOPosix
import SQLKit
import SQLiteKit

#if canImport(Glibc)
    import Glibc
#endif

extension SQLStore {
    /// Why a backup was refused.
    package struct BackupRefusal: Error, Sendable, CustomStringConvertible {
        package let description: String
    }

    /// A consistent copy of a SQLite store, written to `path` while the store serves (`VACUUM INTO`
    /// reads one snapshot: every write committed before it started is in the copy, none after).
    /// Writes go on while it copies. The copy holds every secret of the store (token-signing keys
    /// among them), so no one else may read it at any moment: it is written inside a private folder
    /// (mode 0700) next to `path`, made mode 0600, then linked to `path`, which must not exist.
    /// PostgreSQL stores are backed up with `pg_dump` (docs/operations.md).
    package func backup(to path: String) async throws {
        guard !driver.isShared else {
            throw BackupRefusal(description: "signet backup copies SQLite stores; back up PostgreSQL with pg_dump (see docs/operations.md)")
        }
        let folder = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw BackupRefusal(description: "the folder \(folder) does not exist; create it first")
        }
        guard !FileManager.default.fileExists(atPath: path) else {
            throw BackupRefusal(description: "\(path) exists; a backup never overwrites a file")
        }
        var template = Array("\(folder)/.signet-backup-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw BackupRefusal(description: "cannot create a private folder in \(folder)") }
        let staging = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: staging) }
        let copy = staging + "/copy.sqlite"
        // On a connection of its own (a read-only one may not create the copy, and the writer's are
        // inside transactions): it copies one snapshot, so nothing half-written is copied, and writes
        // go on meanwhile.
        guard let sqlite = driver as? SQLiteDriver else { throw BackupRefusal(description: "signet backup copies SQLite stores") }
        try await sqlite.withOwnConnection { database in try await database.raw("VACUUM INTO \(bind: copy)").run() }
        guard chmod(copy, 0o600) == 0 else { throw BackupRefusal(description: "cannot make the copy private (mode 0600)") }
        // link, not rename: it refuses to replace a file that appeared meanwhile.
        guard link(copy, path) == 0 else {
            throw BackupRefusal(description: errno == EEXIST ? "\(path) exists; a backup never overwrites a file" : "cannot write \(path)")
        }
    }

    /// What SQLite's `PRAGMA integrity_check` finds wrong in the store at `path` (every page,
    /// index, and `NOT NULL` and `UNIQUE` constraint); empty for a sound store. It opens a connection
    /// of its own and writes nothing: no migration, no journal-mode change, so a backup checked is a
    /// backup unchanged, and it is safe beside a running server.
    package static func integrityProblems(sqlitePath path: String, logger: Logger) async throws -> [String] {
        let connection = try await SQLiteConnection.open(
            storage: .file(path: path),
            threadPool: .singleton,
            logger: logger,
            on: MultiThreadedEventLoopGroup.singleton.any()
        )
        do {
            let rows = try await connection.sql(queryLogLevel: nil).raw("PRAGMA integrity_check").all()
            let lines = try rows.map { try $0.decode(column: "integrity_check", as: String.self) }
            try await connection.close()
            return lines == ["ok"] ? [] : lines
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
