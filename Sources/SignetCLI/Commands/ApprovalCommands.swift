import ArgumentParser
import Foundation
import SignetAPI
import SignetClient

/// `signet approvals …`.
struct ApprovalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approvals",
        abstract: "Changes held by policies: list them, approve or deny them.",
        discussion: """
            What waits for you:  signet approvals list --mine
            Decide:              signet approvals approve ap-… [--reason …]   (or deny)
            The decision that meets the last quorum applies the change; one denial rejects it.
            An approved PAT or service account:  signet approvals claim ap-…   (its token, shown once)
            """,
        subcommands: [List.self, Get.self, Approve.self, Deny.self, Claim.self]
    )

    struct List: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "List approvals (pending ones by default).")
        @OptionGroup var options: ClientOptions
        @Option(help: "Pending, Approved, Denied or Expired.") var status = "Pending"
        @Flag(help: "Only those waiting for your decision.") var mine = false

        func run(client: SignetClient) async throws {
            let approverId = mine ? try await client.auth.whoami().userId : nil
            var approvals: [PolicyApproval] = []
            var token: String?
            repeat {
                let page = try await client.approvals.list(status: status, approverId: approverId, limit: 500, paginationToken: token)
                approvals += page.items
                token = page.nextPageToken
            } while token != nil
            if let approverId { approvals = approvals.filter { approval in !approval.decisions.contains { $0.userId == approverId } } }
            if options.json { return try Output.json(approvals) }
            Output.table(
                ["ID", "ACTIVITY", "CHANGE", "INITIATOR", "STATUS", "DECISIONS"],
                approvals.map { approval in
                    let change = approval.activity.changeRequest
                    return [
                        approval.id, approval.activity.kind, "\(change.kind) \(change.operationKind) \(change.entityId)", approval.initiatorId,
                        approval.status, String(approval.decisions.count),
                    ]
                }
            )
        }
    }

    struct Get: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Show an approval and the change it holds.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The approval's id (ap-…).") var id: String

        func run(client: SignetClient) async throws { try ApprovalCommand.show(try await client.approvals.get(id), json: options.json) }
    }

    struct Approve: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Approve a held change (signed).")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The approval's id (ap-…).") var id: String
        @Option(help: "Why, kept with the decision.") var reason: String?

        func run(client: SignetClient) async throws {
            let approval = try await client.approvals.decide(id, value: "Approved", reason: reason)
            try ApprovalCommand.show(approval, json: options.json)
            if let failure = approval.activity.changeRequest.failureReason {
                throw CommandFailure("approved, but the change was not applied: \(failure)")
            }
        }
    }

    struct Deny: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Deny a held change (signed); one denial rejects it.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The approval's id (ap-…).") var id: String
        @Option(help: "Why, kept with the decision.") var reason: String?

        func run(client: SignetClient) async throws {
            try ApprovalCommand.show(try await client.approvals.decide(id, value: "Denied", reason: reason), json: options.json)
        }
    }

    struct Claim: ClientCommand {
        static let configuration = CommandConfiguration(
            abstract: "Receive the PAT or service account an approved creation made, with its token (shown once; signed).",
            discussion: "Only the person who asked for it, once. Sign with the same login you asked with (a PAT needs a person's login)."
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "The approval's id (ap-…).") var id: String

        func run(client: SignetClient) async throws {
            let claimed = try await client.approvals.claim(id)
            if options.json { return try Output.json(claimed) }
            KeyFiles.showOnce(claimed.accessToken)
            switch claimed {
            case .personalAccessToken(let pat):
                Output.warn("PAT \(pat.tokenId), credential \(pat.credId): sign with the private key whose public key you gave when asking.")
            case .serviceAccount(let account):
                Output.warn("Service account \(account.userInfo.userId): sign with the private key whose public key you gave when asking.")
            }
        }
    }

    static func show(_ approval: PolicyApproval, json: Bool) throws {
        if json { return try Output.json(approval) }
        let change = approval.activity.changeRequest
        var requested = (try? String(decoding: SignetJSON.encoder().encode(change.body), as: UTF8.self)) ?? ""
        var answered: [(String, String)] = []
        if case .gatewayRequest(let held) = change.body {
            let headers = held.headers.map { "\($0.name): \($0.value)" }.joined(separator: "; ")
            requested = "\(held.method) \(held.target) to \(held.upstream) [\(headers)]: \(text(held.body) ?? "(no body)")"
            if let response = held.response {
                answered = [("upstream answered", "\(response.status): \(text(response.body) ?? "")\(response.bodyTruncated ? "…" : "")")]
            }
        }
        Output.fields([
            ("id", approval.id), ("activity", approval.activity.kind), ("status", approval.status), ("initiator", approval.initiatorId),
            ("change", "\(change.kind) \(change.operationKind) \(change.entityId): \(change.status)"), ("as requested", requested),
            ("decisions", approval.decisions.map { "\($0.userId) \($0.value)" }.joined(separator: ", ")),
            ("expires", approval.expirationDate.map(Output.date) ?? "never"),
        ] + answered + (change.failureReason.map { [("not applied", $0)] } ?? []))
    }

    /// A held request's or answer's body (base64) as text, invalid UTF-8 replaced.
    private static func text(_ base64: String?) -> String? {
        base64.flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }
    }
}
