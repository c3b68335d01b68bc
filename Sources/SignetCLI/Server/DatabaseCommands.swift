import ArgumentParser
import Foundation
import Logging
import SignetAPI
import SignetCore
import SignetStore

/// `signet signing-keys …`: the keys that sign every token.
struct SigningKeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signing-keys",
        abstract: "The keys that sign Signet's tokens.",
        subcommands: [Rotate.self, List.self]
    )

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Add a new signing key. New tokens are signed with it at once on every node; tokens signed with the old keys stay valid until they expire."
        )
        @Option(help: "The store: a SQLite file or a postgres:// URL (env SIGNET_DATABASE).")
        var database: String = Environment.defaultDatabase
        @Flag(help: "Print the result as JSON.") var json = false

        func run() async throws {
            let location = try DatabaseLocation(database)
            let key = SigningKeyMaterial.generate()
            let event = String(decoding: try SignetJSON.encoder().encode(WebhookEventData(signingKeyId: key.kid)), as: UTF8.self)
            let count = try await SQLStore.with(location.store, logger: quietLogger()) { store in
                try await store.transaction { store in
                    try await store.insertSigningKey(key)
                    // Every organisation's webhooks hear of it (`signing_key.rotated`), with the key.
                    for organization in try await store.organizations() {
                        let kind = WebhookEventKind.Signet.signingKeyRotated.rawValue
                        _ = try await store.recordEvent(orgId: organization.id, kind: kind, data: event, at: Date())
                    }
                }
                return try await store.signingKeys().count
            }
            if json {
                print(#"{"kid":"\#(key.kid)","keys":\#(count)}"#)
            } else {
                print("New signing key \(key.kid) signs new tokens from now on; \(count - 1) older key(s) still verify the tokens they signed.")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the signing keys, newest (the one that signs) last.")
        @Option(help: "The store: a SQLite file or a postgres:// URL (env SIGNET_DATABASE).")
        var database: String = Environment.defaultDatabase
        @Flag(help: "Print the keys as JSON.") var json = false

        func run() async throws {
            let location = try DatabaseLocation(database)
            let keys = try await SQLStore.with(location.store, logger: quietLogger()) { store in
                try await store.signingKeys().map { ($0.kid, $0.createdAt) }
            }
            if json {
                try Output.json(keys.map { ["kid": $0.0, "created": Output.date($0.1)] })
            } else {
                for (kid, created) in keys { print("\(kid)  \(Output.date(created))") }
            }
        }
    }
}

/// `signet migrate`: copies a single-node store into PostgreSQL.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy a store into another, empty one, and check that every table arrived whole.",
        discussion: """
            signet migrate --from sqlite:./signet-data/signet.sqlite --to postgres://signet:secret@db:5432/signet
            Stop the server that uses the source first. Every record is copied, the token-signing keys included,
            so every token issued before keeps working.
            """
    )

    @Option(help: "The store to copy (sqlite:PATH, a path, or a postgres:// URL).") var from: String
    @Option(help: "The empty store to copy into.") var to: String
    @Flag(help: "Print the row counts as JSON.") var json = false

    func run() async throws {
        let source = try DatabaseLocation(from)
        let target = try DatabaseLocation(to)
        if case .sqlite(let path) = source.store, !FileManager.default.fileExists(atPath: path) {
            throw UsageError("there is no store at \(path)")
        }
        if case .sqlite = target.store { try target.prepare() }
        let logger = quietLogger()
        let counts: [(table: String, rows: Int)]
        do {
            counts = try await SQLStore.with(source.store, logger: logger) { sourceStore in
                try await SQLStore.with(target.store, logger: logger) { targetStore in
                    try await StoreCopier.copy(from: sourceStore, to: targetStore).map { ($0.table, $0.rows) }
                }
            }
        } catch let failure as StoreCopier.Failure {
            throw CommandFailure(failure.description)
        }
        if json {
            print("{" + counts.map { #""\#($0.table)":\#($0.rows)"# }.joined(separator: ",") + "}")
        } else {
            print("Copied \(source.store) into \(target.store); every table's row count matches:")
            for (table, rows) in counts { print("  \(table.padding(toLength: 14, withPad: " ", startingAt: 0)) \(rows)") }
        }
    }
}

func quietLogger() -> Logger {
    var logger = Logger(label: "signet")
    logger.logLevel = .warning
    return logger
}

/// `signet backup`: a consistent online copy of a SQLite store.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy a SQLite store while the server runs (a consistent snapshot; mode 0600).",
        discussion: """
            Every write the server acknowledged before the backup started is in the copy. To restore: stop the
            server and start it with --database FILE (or copy FILE over the store). PostgreSQL: use pg_dump.
            """
    )
    @Option(help: "The store: a SQLite file (env SIGNET_DATABASE).")
    var database: String = Environment.defaultDatabase
    @Option(help: "The file to write; it must not exist.")
    var to: String

    func run() async throws {
        let location = try DatabaseLocation(database)
        guard !FileManager.default.fileExists(atPath: to) else { throw UsageError("\(to) exists; a backup never overwrites a file") }
        guard case .sqlite(let path) = location.store, FileManager.default.fileExists(atPath: path) else {
            if case .postgres = location.store { throw UsageError("signet backup copies SQLite stores; back up PostgreSQL with pg_dump") }
            throw UsageError("no store at \(database)")
        }
        let target = to
        do {
            // The copy is written privately and appears at `to` only once complete (mode 0600).
            try await SQLStore.with(location.store, logger: quietLogger()) { store in try await store.backup(to: target) }
        } catch let refusal as SQLStore.BackupRefusal {
            throw CommandFailure("the backup failed: \(refusal.description)")
        } catch {
            throw CommandFailure("the backup failed: \(error)")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: to)[.size] as? Int) ?? 0
        print("Backed up \(path) to \(to) (\(size) bytes). Restore: stop the server, then signet serve --database \(to).")
    }
}

/// `signet check`: whether a SQLite store is whole (after a crash or a disk error, before relying on a backup).
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check that a SQLite store is whole: SQLite's integrity check of every page, index and constraint.",
        discussion: """
            It writes nothing (no migration: a backup checked is a backup unchanged) and is safe while the \
            server runs. Exit status 0 when the store is sound, 1 when it is not (each problem printed). \
            PostgreSQL keeps its own pages whole (its write-ahead log, and page checksums if enabled): use \
            PostgreSQL's tools (pg_amcheck) there.
            """
    )
    @Option(help: "The store: a SQLite file (env SIGNET_DATABASE).")
    var database: String = Environment.defaultDatabase

    func run() async throws {
        let location = try DatabaseLocation(database)
        guard case .sqlite(let path) = location.store else {
            throw UsageError("signet check checks SQLite stores; check PostgreSQL with pg_amcheck (docs/operations.md)")
        }
        guard FileManager.default.fileExists(atPath: path) else { throw UsageError("no store at \(path)") }
        let problems: [String]
        do {
            problems = try await SQLStore.integrityProblems(sqlitePath: path, logger: quietLogger())
        } catch {
            throw CommandFailure("\(path) could not be read as a SQLite database: \(error)")
        }
        guard problems.isEmpty else {
            for problem in problems { print(problem) }
            throw CommandFailure("the store is damaged: \(problems.count) problem(s); restore the latest backup (docs/operations.md)")
        }
        print("The store is sound.")
    }
}
