import ArgumentParser
import Foundation
import SignetAPI
import SignetClient
import SignetCore

/// `signet audit …`.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "The audit log of signed user actions.",
        subcommands: [List.self, Get.self, Export.self, Verify.self]
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
            ] + (log.outcome.map { [("outcome", $0)] } ?? []))
        }
    }
}
