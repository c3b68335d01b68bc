import ArgumentParser
import Foundation
import SignetClient

/// The `signet` command line.
@main
struct Signet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signet",
        abstract: "Signet: identity and access for APIs (personal access tokens, service accounts, signed user actions).",
        discussion: """
            Run a server:        signet serve --dev          (or: signet init …, then signet serve)
            Use it:              signet keygen --out me; signet login --url URL --org ORG --email EMAIL --private-key me.pem
                                 signet pat create --name ci; signet whoami
            Exit codes: 0 success, 1 the server refused or could not be reached,
            2 usage error, 3 held for approval by a policy (signet approvals).
            """,
        subcommands: [
            ServeCommand.self, InitCommand.self, KeygenCommand.self, RegisterCommand.self, RecoverCommand.self, LoginCommand.self, LogoutCommand.self,
            WhoamiCommand.self,
            PatCommand.self, ServiceAccountCommand.self, UserCommand.self, RoleCommand.self, GroupCommand.self, PolicyCommand.self, ApprovalCommand.self, WebhookCommand.self, OrgCommand.self,
            CredentialCommand.self,
            AuditCommand.self, CanCommand.self, SigningKeysCommand.self, MigrateCommand.self, BackupCommand.self, CheckCommand.self,
        ]
    )

    /// Runs the command with Signet's exit codes: 0 success, 1 refusal or failure, 2 usage error, 3 held for approval.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let held as HeldForApproval {
            FileHandle.standardError.write(Data((held.description + "\n").utf8))
            Foundation.exit(3)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                exit(withError: error)
            }
            let message = fullMessage(for: error)
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            let isUsage = code == .validationFailure || error is UsageError
            Foundation.exit(isUsage ? 2 : 1)
        }
    }
}

/// A change a policy holds for approval (HTTP 202): exit code 3, with what to do next.
struct HeldForApproval: Error, CustomStringConvertible {
    let description: String
}

/// A usage error found after parsing (missing settings, a file that cannot be read): exit code 2.
struct UsageError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
