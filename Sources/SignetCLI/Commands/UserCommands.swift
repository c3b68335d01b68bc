import ArgumentParser
import Foundation
import SignetAPI
import SignetClient
import SignetServer

/// `signet users …`.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "People of the organisation.",
        subcommands: [Create.self, List.self, Get.self, Activate.self, Deactivate.self, Delete.self, RegistrationCode.self]
    )

    struct Create: ClientCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a user; with --public-key they can log in at once, without it they get a one-time registration code."
        )
        @OptionGroup var options: ClientOptions
        @Option(help: "Their email, which is also their username.") var email: String
        @Option(name: .customLong("public-key"), help: "Their public key (PEM).") var publicKey: String?
        @Option(name: .customLong("external-id"), help: "Your reference for them.") var externalId: String?

        func run(client: SignetClient) async throws {
            let pem = try publicKey.map { path in
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw UsageError("cannot read \(path)") }
                return text
            }
            try UserCommand.show(
                try await client.users.create(CreateUserRequest(email: email, publicKey: pem, externalId: externalId)),
                json: options.json,
                url: options.resolvedURL
            )
        }
    }

    struct RegistrationCode: ClientCommand {
        static let configuration = CommandConfiguration(
            commandName: "registration-code",
            abstract: "Give a person a new one-time registration code (the previous one stops working); the way back for lost credentials."
        )
        @OptionGroup var options: ClientOptions
        @Option(help: "Their email (username).") var email: String

        func run(client: SignetClient) async throws {
            try UserCommand.show(
                try await client.users.newRegistrationCode(username: email, organizationID: client.organizationID),
                json: options.json,
                url: options.resolvedURL
            )
        }
    }

    struct List: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "List users.")
        @OptionGroup var options: ClientOptions

        func run(client: SignetClient) async throws {
            let users = try await client.users.listAll()
            if options.json { return try Output.json(users) }
            Output.table(
                ["ID", "EMAIL", "ACTIVE", "ROLES"],
                users.map {
                    [$0.userId, $0.username, $0.isActive ? "yes" : "no", $0.permissionAssignments.map(\.permissionName).joined(separator: ",")]
                }
            )
        }
    }

    struct Get: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Show a user.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The user's id (us-…).") var id: String

        func run(client: SignetClient) async throws { try UserCommand.show(try await client.users.get(id), json: options.json) }
    }

    struct Activate: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Reactivate a user (their PATs work again).")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The user's id (us-…).") var id: String

        func run(client: SignetClient) async throws { try UserCommand.show(try await client.users.activate(id), json: options.json) }
    }

    struct Deactivate: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Deactivate a user: their sessions end and their PATs are refused.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The user's id (us-…).") var id: String

        func run(client: SignetClient) async throws { try UserCommand.show(try await client.users.deactivate(id), json: options.json) }
    }

    struct Delete: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a user and their PATs for good.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The user's id (us-…).") var id: String

        func run(client: SignetClient) async throws { try UserCommand.show(try await client.users.delete(id), json: options.json) }
    }

    static func show(_ user: User, json: Bool, url: String? = nil) throws {
        if json { return try Output.json(user) }
        var fields = [
            ("id", user.userId), ("email", user.username), ("active", user.isActive ? "yes" : "no"),
            ("can log in", user.isRegistered ? "yes" : "no (no credential)"),
            ("roles", user.permissionAssignments.map { "\($0.permissionName) (\($0.permissionId))" }.joined(separator: ", ")),
        ]
        if let code = user.registrationCode {
            let expiry = user.registrationCodeExpiresAt.map { ISO8601DateFormatter().string(from: $0) } ?? "in 4 hours"
            fields.append(("registration code", "\(code) (single use, until \(expiry); shown once)"))
            if let url {
                fields.append(("setup link", SetupLink.url(base: url, orgId: user.orgId, username: user.username, code: code)))
            }
            fields.append(
                (
                    "they register with",
                    "signet register --url \(url ?? "URL") --org \(user.orgId) --email \(user.username) --code=\(code) --private-key KEY.pem"
                )
            )
        }
        Output.fields(fields)
    }
}
