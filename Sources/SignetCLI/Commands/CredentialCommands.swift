import ArgumentParser
import Foundation
import SignetAPI
import SignetClient

/// `signet credentials …`.
struct CredentialCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credentials",
        abstract: "The keys that sign for you (or for the PAT or service account you are signed in as).",
        subcommands: [List.self, Rotate.self, Activate.self, Deactivate.self, Code.self, AddWithCode.self, AddRecoveryKey.self]
    )

    struct List: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "List your credentials.")
        @OptionGroup var options: ClientOptions

        func run(client: SignetClient) async throws {
            let credentials = try await client.credentials.list()
            if options.json { return try Output.json(credentials) }
            Output.table(
                ["UUID", "CREDENTIAL ID", "KIND", "NAME", "ACTIVE", "CREATED"],
                credentials.map {
                    [$0.credentialUuid, $0.credentialId, $0.kind.rawValue, $0.name, $0.isActive ? "yes" : "no", Output.date($0.dateCreated)]
                }
            )
        }
    }

    struct Rotate: ClientCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the key you sign with: new keypair, new credential signed by the old key, old credential deactivated."
        )
        @OptionGroup var options: ClientOptions
        @Option(help: "Algorithm of the new key (default: the old key's).") var algorithm: KeygenCommand.Algorithm?

        func run(client: SignetClient) async throws {
            try KeyRotation.report(try await KeyRotation.rotate(client: client, algorithm: algorithm?.keyAlgorithm), json: options.json)
        }
    }

    struct Activate: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Reactivate one of your credentials.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The credential's uuid (cr-…).") var credentialUuid: String

        func run(client: SignetClient) async throws {
            let message = try await client.credentials.activate(credentialUuid)
            if options.json { return try Output.json(message) }
            print(message.message)
        }
    }

    struct Deactivate: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Deactivate one of your credentials (not the last active one).")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The credential's uuid (cr-…).") var credentialUuid: String

        func run(client: SignetClient) async throws {
            let message = try await client.credentials.deactivate(credentialUuid)
            if options.json { return try Output.json(message) }
            print(message.message)
        }
    }
}

/// `signet audit …`.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "The audit log of signed user actions.",
        subcommands: [List.self, Get.self]
    )

    struct List: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "List audit entries, newest first.")
        @OptionGroup var options: ClientOptions
        @Option(help: "Only entries since this many hours ago.") var hours: Double?
        @Option(help: "Only this user's entries (us-…).") var user: String?

        func run(client: SignetClient) async throws {
            let logs = try await client.auditLogs.list(startTime: hours.map { Date().addingTimeInterval(-$0 * 3600) }, userId: user)
            if options.json { return try Output.json(logs) }
            Output.table(
                ["WHEN", "USER", "VIA", "ACTION", "STATUS"],
                logs.map {
                    [
                        $0.datePerformed.map(Output.date) ?? "", $0.username ?? $0.userId ?? "", "\($0.tokenKind.rawValue) \($0.tokenId)", $0.action,
                        $0.responseStatus.map(String.init) ?? "",
                    ]
                }
            )
        }
    }

    struct Get: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Show one entry with its signature evidence.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The entry's id (ua-…).") var id: String

        func run(client: SignetClient) async throws {
            let log = try await client.auditLogs.get(id)
            if options.json { return try Output.json(log) }
            Output.fields([
                ("id", log.id), ("action", log.action), ("user", "\(log.username ?? "") (\(log.userId ?? ""))"),
                ("via", "\(log.tokenKind.rawValue) \(log.tokenId)"), ("credential", log.firstFactorCredential.id),
                ("performed", log.datePerformed.map(Output.date) ?? ""), ("status", log.responseStatus.map(String.init) ?? ""),
                ("payload sha256", log.payloadDigest), ("clientData", log.firstFactorCredential.assertion?.clientData ?? ""),
                ("signature", log.firstFactorCredential.assertion?.signature ?? ""),
            ])
        }
    }
}
