import ArgumentParser
import Foundation
import SignetAPI
import SignetClient

/// `signet groups …`.
struct GroupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "groups",
        abstract: "User groups: people given roles together.",
        discussion: """
            A role given to a group is held by every member from their next request:
              signet groups create --name Treasury
              signet roles assign pm-… ug-…
              signet groups add ug-… us-… us-…
            """,
        subcommands: [Create.self, List.self, Get.self, Update.self, Delete.self, Members.self, Add.self, Remove.self]
    )

    struct Create: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user group.")
        @OptionGroup var options: ClientOptions
        @Option(help: "Its name, unique in the organisation.") var name: String
        @Option(help: "What it is for.") var description: String?

        func run(client: SignetClient) async throws {
            try GroupCommand.show(
                try await client.userGroups.create(CreateUserGroupRequest(name: name, description: description)),
                json: options.json
            )
        }
    }

    struct List: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "List user groups.")
        @OptionGroup var options: ClientOptions

        func run(client: SignetClient) async throws {
            var groups: [UserGroup] = []
            var token: String?
            repeat {
                let page = try await client.userGroups.list(limit: 500, paginationToken: token)
                groups += page.items
                token = page.nextPageToken
            } while token != nil
            if options.json { return try Output.json(groups) }
            Output.table(["ID", "NAME", "MEMBERS", "DESCRIPTION"], groups.map { [$0.id, $0.name, String($0.memberCount), $0.description ?? ""] })
        }
    }

    struct Get: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Show a user group.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The group's id (ug-…).") var id: String

        func run(client: SignetClient) async throws { try GroupCommand.show(try await client.userGroups.get(id), json: options.json) }
    }

    struct Update: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Rename a user group or change its description.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The group's id (ug-…).") var id: String
        @Option(help: "A new name.") var name: String?
        @Option(help: "A new description.") var description: String?
        @Flag(help: "Remove the description.") var clearDescription = false

        func validate() throws {
            if description != nil && clearDescription { throw ValidationError("give --description or --clear-description, not both") }
            if name == nil && description == nil && !clearDescription {
                throw ValidationError("nothing to change: give --name, --description or --clear-description")
            }
        }

        func run(client: SignetClient) async throws {
            let change: String?? = clearDescription ? .some(nil) : description.map { .some($0) }
            try GroupCommand.show(try await client.userGroups.update(id, UpdateUserGroupRequest(name: name, description: change)), json: options.json)
        }
    }

    struct Delete: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a user group; its members lose its roles.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The group's id (ug-…).") var id: String

        func run(client: SignetClient) async throws {
            try await client.userGroups.delete(id)
            if options.json { return try Output.json(MessageResponse(message: "deleted")) }
            print("Deleted user group \(id).")
        }
    }

    struct Members: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "List a user group's members.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The group's id (ug-…).") var id: String

        func run(client: SignetClient) async throws {
            var members: [UserInfo] = []
            var token: String?
            repeat {
                let page = try await client.userGroups.members(id, limit: 500, paginationToken: token)
                members += page.items
                token = page.nextPageToken
            } while token != nil
            if options.json { return try Output.json(members) }
            Output.table(["USER", "USERNAME", "STATE"], members.map { [$0.userId, $0.username, $0.isActive ? "active" : "deactivated"] })
        }
    }

    struct Add: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Add people (us-…) to a user group.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The group's id (ug-…).") var id: String
        @Argument(help: "The users to add (us-…), up to 100.") var userIds: [String]

        func run(client: SignetClient) async throws {
            try await client.userGroups.addMembers(id, userIds: userIds)
            if options.json { return try Output.json(MessageResponse(message: "added")) }
            print("Added \(userIds.count) user\(userIds.count == 1 ? "" : "s") to \(id).")
        }
    }

    struct Remove: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Remove people (us-…) from a user group.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The group's id (ug-…).") var id: String
        @Argument(help: "The users to remove (us-…), up to 100.") var userIds: [String]

        func run(client: SignetClient) async throws {
            try await client.userGroups.removeMembers(id, userIds: userIds)
            if options.json { return try Output.json(MessageResponse(message: "removed")) }
            print("Removed \(userIds.count) user\(userIds.count == 1 ? "" : "s") from \(id).")
        }
    }

    static func show(_ group: UserGroup, json: Bool) throws {
        if json { return try Output.json(group) }
        Output.fields([("id", group.id), ("name", group.name), ("description", group.description ?? "—"), ("members", String(group.memberCount))])
    }
}
