import ArgumentParser
import Foundation
import SignetAPI
import SignetClient
import SignetCore

/// `signet sa …`.
struct ServiceAccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sa",
        abstract: "Service accounts: machine identities with their own keypair and permissions.",
        subcommands: [Create.self, List.self, Get.self, Update.self, Activate.self, Deactivate.self, Delete.self, RotateKey.self]
    )

    struct Create: ClientCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a service account. Without --public-key, a keypair is generated and written to --out.pem."
        )
        @OptionGroup var options: ClientOptions
        @Option(help: "A name, unique in the organisation.") var name: String
        @Option(name: .customLong("public-key"), help: "An existing public key (PEM).") var publicKey: String?
        @Option(help: "Where to write a generated keypair (default: the account's name).") var out: String?
        @Option(help: "Algorithm of a generated key.") var algorithm: KeygenCommand.Algorithm = .ed25519
        @Option(name: .customLong("role"), help: "A role for the account (pm-…); without one it has no permissions.") var permissionId: String?
        @Option(help: "Lifetime of its token in days (1-730, default 730).") var days: Int?

        func run(client: SignetClient) async throws {
            let (account, keyPath) = try await KeyFiles.creating(from: publicKey, orGenerate: algorithm, name: out ?? name) { pem in
                try await client.serviceAccounts.create(
                    CreateServiceAccountRequest(name: name, publicKey: pem, permissionId: permissionId, daysValid: days)
                )
            }
            if options.json { return try Output.json(account) }
            let token = account.accessTokens.first
            KeyFiles.showOnce(token?.accessToken)
            Output.warn(
                "Service account \(account.userInfo.userId), credential \(token?.credId ?? "")\(keyPath.map { ", private key \($0)" } ?? "")."
            )
        }
    }

    struct List: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "List service accounts.")
        @OptionGroup var options: ClientOptions

        func run(client: SignetClient) async throws {
            let accounts = try await client.serviceAccounts.list()
            if options.json { return try Output.json(accounts) }
            Output.table(
                ["ID", "NAME", "ACTIVE", "ROLES"],
                accounts.map {
                    [
                        $0.userInfo.userId, $0.userInfo.name, $0.userInfo.isActive ? "yes" : "no",
                        $0.userInfo.permissionAssignments.map(\.permissionName).joined(separator: ","),
                    ]
                }
            )
        }
    }

    struct Get: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Show a service account.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The account's id (us-…).") var id: String

        func run(client: SignetClient) async throws { try ServiceAccountCommand.show(try await client.serviceAccounts.get(id), json: options.json) }
    }

    struct Update: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Rename a service account or set its external id.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The account's id (us-…).") var id: String
        @Option(help: "A new name.") var name: String?
        @Option(name: .customLong("external-id"), help: "A new external id.") var externalId: String?

        func validate() throws { if name == nil && externalId == nil { throw ValidationError("give --name or --external-id") } }

        func run(client: SignetClient) async throws {
            try ServiceAccountCommand.show(
                try await client.serviceAccounts.update(id, UpdateServiceAccountRequest(name: name, externalId: externalId)),
                json: options.json
            )
        }
    }

    struct Activate: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Reactivate a service account.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The account's id (us-…).") var id: String

        func run(client: SignetClient) async throws {
            try ServiceAccountCommand.show(try await client.serviceAccounts.activate(id), json: options.json)
        }
    }

    struct Deactivate: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Deactivate a service account: its next request is refused.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The account's id (us-…).") var id: String

        func run(client: SignetClient) async throws {
            try ServiceAccountCommand.show(try await client.serviceAccounts.deactivate(id), json: options.json)
        }
    }

    struct Delete: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a service account for good.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The account's id (us-…).") var id: String

        func run(client: SignetClient) async throws {
            try ServiceAccountCommand.show(try await client.serviceAccounts.delete(id), json: options.json)
        }
    }

    struct RotateKey: ClientCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-key",
            abstract: "Replace the key of the service account you are signed in as, keeping its token."
        )
        @OptionGroup var options: ClientOptions
        @Option(help: "Algorithm of the new key (default: the old key's).") var algorithm: KeygenCommand.Algorithm?

        func run(client: SignetClient) async throws {
            guard try await client.auth.whoami().tokenKind == .serviceAccount else {
                throw UsageError("rotate-key runs as the service account: set SIGNET_TOKEN, SIGNET_PRIVATE_KEY and SIGNET_CREDENTIAL_ID to its own")
            }
            try KeyRotation.report(try await KeyRotation.rotate(client: client, algorithm: algorithm?.keyAlgorithm), json: options.json)
        }
    }

    static func show(_ account: ServiceAccount, json: Bool) throws {
        if json { return try Output.json(account) }
        let user = account.userInfo
        Output.fields([
            ("id", user.userId), ("name", user.name), ("active", user.isActive ? "yes" : "no"),
            ("roles", user.permissionAssignments.map { "\($0.permissionName) (\($0.permissionId))" }.joined(separator: ", ")),
            ("tokens", account.accessTokens.map { "\($0.tokenId)\($0.isActive ? "" : " (inactive)")" }.joined(separator: ", ")),
        ])
    }
}
