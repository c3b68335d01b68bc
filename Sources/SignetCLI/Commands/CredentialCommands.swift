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
