import ArgumentParser
import Foundation
import SignetAPI
import SignetClient

/// `signet roles …`.
struct RoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roles",
        abstract: "Roles (Dfns \"permissions\") and who holds them.",
        subcommands: [Create.self, List.self, Get.self, Update.self, Archive.self, Assignments.self, Assign.self, Revoke.self]
    )

    struct Create: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Create a role.")
        @OptionGroup var options: ClientOptions
        @Option(help: "Its name.") var name: String
        @Option(name: .customLong("operation"), parsing: .upToNextOption, help: "Operations it grants, e.g. Auth:Users:Read.") var operations:
            [String]

        func run(client: SignetClient) async throws {
            try RoleCommand.show(try await client.permissions.create(CreatePermissionRequest(name: name, operations: operations)), json: options.json)
        }
    }

    struct List: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "List roles.")
        @OptionGroup var options: ClientOptions

        func run(client: SignetClient) async throws {
            var roles: [Permission] = []
            var token: String?
            repeat {
                let page = try await client.permissions.list(limit: 500, paginationToken: token)
                roles += page.items
                token = page.nextPageToken
            } while token != nil
            if options.json { return try Output.json(roles) }
            Output.table(
                ["ID", "NAME", "OPERATIONS", "STATE"],
                roles.map {
                    [
                        $0.id, $0.name, $0.isImmutable ? "every operation" : $0.operations.joined(separator: ","),
                        $0.isArchived ? "archived" : ($0.isImmutable ? "managed" : "active"),
                    ]
                }
            )
        }
    }

    struct Get: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Show a role.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The role's id (pm-…).") var id: String

        func run(client: SignetClient) async throws { try RoleCommand.show(try await client.permissions.get(id), json: options.json) }
    }

    struct Update: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Rename a role or replace its operations.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The role's id (pm-…).") var id: String
        @Option(help: "A new name.") var name: String?
        @Option(name: .customLong("operation"), parsing: .upToNextOption, help: "The new complete list of operations.") var operations: [String] = []

        func run(client: SignetClient) async throws {
            let request = UpdatePermissionRequest(name: name, operations: operations.isEmpty ? nil : operations)
            try RoleCommand.show(try await client.permissions.update(id, request), json: options.json)
        }
    }

    struct Archive: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Archive a role (it grants nothing) or restore it with --restore.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The role's id (pm-…).") var id: String
        @Flag(help: "Restore an archived role.") var restore = false

        func run(client: SignetClient) async throws {
            try RoleCommand.show(try await client.permissions.archive(id, isArchived: !restore), json: options.json)
        }
    }

    struct Assignments: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "List who holds a role.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The role's id (pm-…).") var id: String

        func run(client: SignetClient) async throws {
            let assignments = try await client.permissions.listAssignments(id, limit: 500).items
            if options.json { return try Output.json(assignments) }
            Output.table(["ASSIGNMENT", "IDENTITY", "SINCE"], assignments.map { [$0.id, $0.identityId, Output.date($0.dateCreated)] })
        }
    }

    struct Assign: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Give a role to a user, service account (us-…), PAT (to-…) or user group (ug-…).")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The role's id (pm-…).") var id: String
        @Argument(help: "Who gets it.") var identityId: String

        func run(client: SignetClient) async throws {
            let assignment = try await client.permissions.assign(id, to: identityId)
            if options.json { return try Output.json(assignment) }
            print("Assigned \(id) to \(identityId) (assignment \(assignment.id)).")
        }
    }

    struct Revoke: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Take a role away (see roles assignments for the assignment id).")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The role's id (pm-…).") var id: String
        @Argument(help: "The assignment's id (as-…).") var assignmentId: String

        func run(client: SignetClient) async throws {
            try await client.permissions.revoke(id, assignmentId: assignmentId)
            if options.json { return try Output.json(MessageResponse(message: "revoked")) }
            print("Revoked assignment \(assignmentId).")
        }
    }

    static func show(_ role: Permission, json: Bool) throws {
        if json { return try Output.json(role) }
        Output.fields([
            ("id", role.id), ("name", role.name), ("operations", role.isImmutable ? "every operation" : role.operations.joined(separator: ", ")),
            ("state", role.isArchived ? "archived" : (role.isImmutable ? "managed (immutable)" : "active")),
        ])
    }
}
