import ArgumentParser
import Foundation
import SignetAPI
import SignetClient

/// `signet policies …`.
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policies",
        abstract: "Policies: approvals (or a block) for changes that govern access.",
        discussion: """
            Two of three admins, and the auditor, before anyone is given a role:
              signet policies create --name "Role grants" --activity Permissions:Assign \\
                --group 2:us-…,us-…,us-… --group 1:us-…
            Then `signet roles assign …` is held (exit code 3) until approvers
            run `signet approvals approve ap-…`.
            Activities: Permissions:Assign (assign and revoke a role),
            Permissions:Modify (change or archive a role),
            Policies:Modify (create, change or archive a policy),
            Auth:Pats:Create and Auth:ServiceAccounts:Create (a new token; with
            --permission, only one that would hold those roles: its initiator
            then runs `signet approvals claim ap-…` to receive it), and the
            operation of a gateway route (the request is forwarded once approved).
            A group of `anyone` admits every person but the one who asked.
            """,
        subcommands: [Create.self, List.self, Get.self, Archive.self]
    )

    struct Create: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Create a policy.")
        @OptionGroup var options: ClientOptions
        @Option(help: "Its name.") var name: String
        @Option(
            help: "Permissions:Assign, Permissions:Modify, Policies:Modify, Auth:Pats:Create, Auth:ServiceAccounts:Create, or a gateway route's operation."
        ) var activity: String
        @Option(help: "An approval group, QUORUM:APPROVERS (user ids, comma-separated, or anyone); repeat for more.")
        var group: [String] = []
        @Flag(help: "Refuse the activity instead of asking for approval.") var block = false
        @Option(help: "Minutes until a pending approval expires.") var timeout: Int?
        @Flag(help: "Let the person who asked count towards every group.") var initiatorCanApprove = false
        @Option(help: "Only these roles (pm-…); repeat for more (Permissions:*, Auth:Pats:Create, Auth:ServiceAccounts:Create).") var permission: [String] = []
        @Option(help: "Only changes to these policies (pl-…); repeat for more (Policies:Modify).") var policy: [String] = []

        func validate() throws {
            if block == !group.isEmpty { throw ValidationError("give --block, or one --group or more") }
            if !permission.isEmpty && !policy.isEmpty { throw ValidationError("give --permission or --policy, not both") }
            _ = try PolicyCommand.groups(group, initiatorCanApprove: initiatorCanApprove)
        }

        func run(client: SignetClient) async throws {
            let action =
                block
                ? PolicyActionBody(kind: "Block")
                : PolicyActionBody(
                    kind: "RequestApproval",
                    approvalGroups: try PolicyCommand.groups(group, initiatorCanApprove: initiatorCanApprove),
                    autoRejectTimeout: timeout
                )
            let filters: PolicyFilters? =
                !permission.isEmpty
                ? PolicyFilters(permissionId: PolicyIdList(permission)) : policy.isEmpty ? nil : PolicyFilters(policyId: PolicyIdList(policy))
            let request = CreatePolicyRequest(name: name, activityKind: activity, action: action, filters: filters)
            try PolicyCommand.show(try await client.policies.create(request), json: options.json)
        }
    }

    struct List: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "List policies.")
        @OptionGroup var options: ClientOptions
        @Option(help: "Active or Archived.") var status: String?

        func run(client: SignetClient) async throws {
            var policies: [Policy] = []
            var token: String?
            repeat {
                let page = try await client.policies.list(status: status, limit: 500, paginationToken: token)
                policies += page.items
                token = page.nextPageToken
            } while token != nil
            if options.json { return try Output.json(policies) }
            Output.table(["ID", "NAME", "ACTIVITY", "ACTION", "STATUS"], policies.map { [$0.id, $0.name, $0.activityKind, $0.action.kind, $0.status] })
        }
    }

    struct Get: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Show a policy.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The policy's id (pl-…).") var id: String

        func run(client: SignetClient) async throws { try PolicyCommand.show(try await client.policies.get(id), json: options.json) }
    }

    struct Archive: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Archive a policy (held for its own approvals when it asks for any).")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The policy's id (pl-…).") var id: String

        func run(client: SignetClient) async throws { try PolicyCommand.show(try await client.policies.archive(id), json: options.json) }
    }

    /// `QUORUM:APPROVERS` groups.
    static func groups(_ texts: [String], initiatorCanApprove: Bool) throws -> [PolicyApprovalGroup] {
        try texts.map { text in
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, let quorum = Int(parts[0]), quorum > 0, !parts[1].isEmpty else {
                throw ValidationError("--group \(text): write QUORUM:APPROVERS, such as 2:us-…,us-… or 1:anyone")
            }
            let approvers = parts[1] == "anyone" ? PolicyApprovers() : PolicyApprovers(userId: PolicyIdList(parts[1].split(separator: ",").map(String.init)))
            return PolicyApprovalGroup(quorum: quorum, approvers: approvers, initiatorCanApprove: initiatorCanApprove ? true : nil)
        }
    }

    static func show(_ policy: Policy, json: Bool) throws {
        if json { return try Output.json(policy) }
        let groups = (policy.action.approvalGroups ?? []).map { group in
            "\(group.quorum) of \(group.approvers.userId.map { $0.in.joined(separator: ", ") } ?? "anyone")"
        }
        Output.fields([
            ("id", policy.id), ("name", policy.name), ("activity", policy.activityKind), ("action", policy.action.kind),
            ("groups", groups.joined(separator: "; ")), ("status", policy.status),
        ])
    }
}
