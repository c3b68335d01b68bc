import ArgumentParser
import Foundation
import SignetAPI
import SignetClient
import SignetCore

/// `signet pat …`.
struct PatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pat",
        abstract: "Personal access tokens: tokens that act as you, each with its own keypair.",
        subcommands: [Create.self, List.self, Get.self, Update.self, Activate.self, Deactivate.self, Delete.self, RotateKey.self]
    )

    struct Create: ClientCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a PAT. Without --public-key, a keypair is generated and written to --out.pem / --out.public.pem."
        )
        @OptionGroup var options: ClientOptions
        @Option(help: "A name, unique among your tokens.") var name: String
        @Option(name: .customLong("public-key"), help: "An existing public key (PEM) for the PAT.") var publicKey: String?
        @Option(help: "Where to write a generated keypair (default: the PAT's name).") var out: String?
        @Option(help: "Algorithm of a generated key.") var algorithm: KeygenCommand.Algorithm = .ed25519
        @Option(name: .customLong("role"), help: "Restrict the PAT to this role (pm-…); it still never exceeds yours.") var permissionId: String?
        @Option(help: "Lifetime in days (1-730, or the organisation's limit; default: the longest allowed).") var days: Int?
        @Option(help: "Lifetime in seconds (wins over --days).") var seconds: Int?

        func run(client: SignetClient) async throws {
            let (pat, keyPath) = try await KeyFiles.creating(from: publicKey, orGenerate: algorithm, name: out ?? name) { pem in
                try await client.personalAccessTokens.create(
                    CreatePersonalAccessTokenRequest(name: name, publicKey: pem, permissionId: permissionId, daysValid: days, secondsValid: seconds)
                )
            }
            if options.json { return try Output.json(pat) }
            KeyFiles.showOnce(pat.accessToken)
            Output.warn("PAT \(pat.tokenId), credential \(pat.credId)\(keyPath.map { ", private key \($0)" } ?? "").")
            Output.warn(
                "Use it: SIGNET_TOKEN=<the token> SIGNET_CREDENTIAL_ID=\(pat.credId) SIGNET_PRIVATE_KEY=\(keyPath ?? "<its private key>") signet whoami"
            )
        }
    }

    struct List: ClientCommand {
        static let configuration = CommandConfiguration(
            abstract: "List your PATs, or with --all every token of the organisation you may see.",
            discussion: "For example: signet pat list --all --expiring 7d; signet pat list --all --unused 90d --kind Pat"
        )
        @OptionGroup var options: ClientOptions
        @OptionGroup var inventory: PatInventoryOptions

        func run(client: SignetClient) async throws {
            guard inventory.all else {
                let pats = try await client.personalAccessTokens.list()
                if options.json { return try Output.json(pats) }
                return Output.table(["TOKEN ID", "NAME", "STATE", "CREATED", "EXPIRES", "LAST USED", "LAST CLIENT", "ROLES"], pats.map(PatCommand.row))
            }
            let tokens = try await inventory.fetch(client)
            if options.json { return try Output.json(tokens) }
            Output.table(
                ["TOKEN ID", "KIND", "USER", "NAME", "STATE", "CREATED", "EXPIRES", "LAST USED", "LAST CLIENT", "ROLES"],
                tokens.map { token in
                    Array(PatCommand.row(token).prefix(1)) + [token.kind.rawValue, token.linkedUserId] + PatCommand.row(token).dropFirst()
                }
            )
        }
    }

    struct Get: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Show a PAT.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The PAT's id (to-…).") var tokenId: String

        func run(client: SignetClient) async throws { try PatCommand.show(try await client.personalAccessTokens.get(tokenId), json: options.json) }
    }

    struct Update: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Rename a PAT or set its external id.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The PAT's id (to-…).") var tokenId: String
        @Option(help: "A new name.") var name: String?
        @Option(name: .customLong("external-id"), help: "A new external id.") var externalId: String?

        func validate() throws { if name == nil && externalId == nil { throw ValidationError("give --name or --external-id") } }

        func run(client: SignetClient) async throws {
            try PatCommand.show(
                try await client.personalAccessTokens.update(tokenId, UpdatePersonalAccessTokenRequest(name: name, externalId: externalId)),
                json: options.json
            )
        }
    }

    struct Activate: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Reactivate a PAT.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The PAT's id (to-…).") var tokenId: String

        func run(client: SignetClient) async throws {
            try PatCommand.show(try await client.personalAccessTokens.activate(tokenId), json: options.json)
        }
    }

    struct Deactivate: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Deactivate a PAT: its next request is refused until reactivated.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The PAT's id (to-…).") var tokenId: String

        func run(client: SignetClient) async throws {
            try PatCommand.show(try await client.personalAccessTokens.deactivate(tokenId), json: options.json)
        }
    }

    struct Delete: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a PAT for good.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The PAT's id (to-…).") var tokenId: String

        func run(client: SignetClient) async throws { try PatCommand.show(try await client.personalAccessTokens.delete(tokenId), json: options.json) }
    }

    struct RotateKey: ClientCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-key",
            abstract: "Replace the key of the PAT you are signed in as (SIGNET_TOKEN etc.), keeping its token."
        )
        @OptionGroup var options: ClientOptions
        @Option(help: "Algorithm of the new key (default: the old key's).") var algorithm: KeygenCommand.Algorithm?

        func run(client: SignetClient) async throws {
            guard try await client.auth.whoami().tokenKind == .pat else {
                throw UsageError("rotate-key runs as the PAT: set SIGNET_TOKEN, SIGNET_PRIVATE_KEY and SIGNET_CREDENTIAL_ID to the PAT's")
            }
            try KeyRotation.report(try await KeyRotation.rotate(client: client, algorithm: algorithm?.keyAlgorithm), json: options.json)
        }
    }

    static func row(_ pat: AccessToken) -> [String] {
        [
            pat.tokenId, pat.name, state(pat), Output.date(pat.dateCreated), pat.dateExpires.map(Output.date) ?? "",
            pat.dateLastUsed.map(Output.date) ?? "never", pat.lastUsedBy?.first?.address ?? "",
            pat.permissionAssignments.map(\.permissionName).joined(separator: ","),
        ]
    }

    /// `active`, `inactive` or `expired` (an expired token answers 401 whatever its active flag says).
    static func state(_ pat: AccessToken, now: Date = Date()) -> String {
        if let expires = pat.dateExpires, expires <= now { return "expired" }
        return pat.isActive ? "active" : "inactive"
    }

    static func show(_ pat: AccessToken, json: Bool) throws {
        if json { return try Output.json(pat) }
        Output.fields([
            ("token id", pat.tokenId), ("name", pat.name), ("state", state(pat)), ("user", pat.linkedUserId),
            ("credential", pat.credId), ("created", Output.date(pat.dateCreated)), ("expires", pat.dateExpires.map(Output.date) ?? ""),
            ("last used", pat.dateLastUsed.map(Output.date) ?? "never"),
            ("roles", pat.permissionAssignments.map { "\($0.permissionName) (\($0.permissionId))" }.joined(separator: ", ")),
        ] + (pat.lastUsedBy ?? []).enumerated().map { index, client in (index == 0 ? "last clients" : "", describe(client)) })
    }

    /// `203.0.113.7  curl/8.5.0  2026-12-04 10:00` (a part that is unknown is `-`).
    static func describe(_ client: TokenClient) -> String {
        "\(client.address ?? "-")  \(client.userAgent ?? "-")  \(Output.date(client.dateLastUsed))"
    }
}
