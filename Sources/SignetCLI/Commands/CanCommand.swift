import ArgumentParser
import Foundation
import SignetAPI
import SignetClient

/// `signet can OPERATION [--as ID]`: may I (or they) do this, and which roles decide it.
struct CanCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "can",
        abstract: "Whether you (or --as a user, service account or PAT) may perform an operation, and which roles grant it.",
        discussion: """
            Prints yes or no, the roles of the user and, for a PAT, of the token that grant it, and why not.
            Exits 0 when allowed and 1 when not, so scripts can ask: signet can Wallets:Create && deploy.
            --as needs Permissions:Read and Auth:Users:Read.
            """
    )
    @OptionGroup var options: ClientOptions
    @Argument(help: "An operation name, such as Wallets:Read or Auth:Users:Create.") var operation: String
    @Option(name: .customLong("as"), help: "A user or service account (us-…) or a PAT (to-…) to ask about instead of yourself.")
    var identityId: String?

    func run(client: SignetClient) async throws {
        let answer = try await client.permissions.explain(operation, identityId: identityId)
        if options.json {
            try Output.json(answer)
        } else {
            var fields = [
                ("operation", answer.operation), ("allowed", answer.allowed ? "yes" : "no"), ("identity", answer.identityId),
                ("user \(answer.user.id)", Self.describe(answer.user)),
            ]
            if let token = answer.token { fields.append(("token \(token.id)", Self.describe(token))) }
            if let reason = answer.reason { fields.append(("why not", reason)) }
            Output.fields(fields)
        }
        if !answer.allowed { throw ExitCode(1) }
    }

    static func describe(_ side: PermissionExplanation.Side) -> String {
        side.allowed
            ? "granted by " + side.grantedBy.map { "\($0.permissionName) (\($0.permissionId))" }.joined(separator: ", ") : "no role grants it"
    }
}
