import ArgumentParser
import Foundation
import SignetAPI
import SignetClient
import SignetCore

/// `signet recover …`: a person who lost every credential recovers with their recovery key.
struct RecoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recover",
        abstract: "Recover your account with your recovery key when every other credential is lost.",
        discussion: """
            Beforehand, signed in: signet keygen --out recovery; signet credentials add-recovery-key --private-key recovery.pem
            (keep recovery.pem offline, and the id it prints: cr-…). When every other key is lost:
              signet recover code --url URL --org ORG --email YOU      (the code goes out through the registration webhook)
              signet keygen --out new
              signet recover account --url URL --org ORG --email YOU --recovery-key recovery.pem \\
                --recovery-credential-id cr-… --code CODE --private-key new.pem
            The new key replaces every other credential (the recovery key too); every session of yours ends and every PAT
            is deleted. Then add a new recovery key (a new keypair: a used one cannot be registered again). The server
            sends recovery codes only through `signet serve --registration-webhook`.
            """,
        subcommands: [Code.self, Account.self]
    )

    struct Code: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Ask for a recovery code (sent through your organisation's channel).")
        @Option(help: "The server's URL.") var url: String
        @Option(help: "Your organisation's id (or-…).") var org: String
        @Option(help: "Your email, which is your username.") var email: String
        @Flag(help: "Print the result as JSON.") var json = false

        func run() async throws {
            try await Output.guarded {
                let client = try SignetClient(baseURL: url, organizationID: org, authToken: nil)
                let answer = try await client.auth.sendRecoveryCode(username: email)
                if json { return try Output.json(answer) }
                print(answer.message)
            }
        }
    }

    struct Account: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Recover with the code and your recovery key; register a new key.")
        @Option(help: "The server's URL.") var url: String
        @Option(help: "Your organisation's id (or-…).") var org: String
        @Option(help: "Your email, which is your username.") var email: String
        @Option(help: "The recovery code; left out, it is read from standard input.") var code: String?
        @Option(name: .customLong("recovery-key"), help: "Your recovery key's private key (PEM).") var recoveryKey: String
        @Option(
            name: .customLong("recovery-credential-id"),
            parsing: .unconditional,
            help: "The recovery key's id (cr-…, printed by add-recovery-key; credentials list shows it too)."
        )
        var recoveryCredentialId: String
        @Option(name: .customLong("private-key"), help: "The new key (PEM), as signet keygen writes it.") var privateKey: String
        @Flag(help: "Print the result as JSON.") var json = false

        func run() async throws {
            let recovery = try LocalInput.privateKey(at: recoveryKey)
            let newKey = try LocalInput.privateKey(at: privateKey)
            let code = try LocalInput.code(self.code)
            try await Output.guarded {
                let recovered = try await SignetClient.recover(
                    baseURL: url,
                    organizationID: org,
                    username: email,
                    recoveryCode: code,
                    recoveryKey: recovery,
                    recoveryCredentialId: recoveryCredentialId,
                    newKey: newKey
                )
                if json { return try Output.json(recovered) }
                Output.fields([
                    (
                        "credential",
                        "\(recovered.credential.uuid) (\(recovered.credential.kind.rawValue)); every other credential, session and PAT ended"
                    ),
                    ("next", "signet login --url \(url) --org \(org) --email \(email) --private-key \(privateKey)"),
                ])
            }
        }
    }
}

extension CredentialCommand {
    /// `signet credentials add-recovery-key`.
    struct AddRecoveryKey: ClientCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-recovery-key",
            abstract: "Register a recovery key (signed in as a person): it signs nothing but a recovery. Keep its private key offline."
        )
        @OptionGroup var options: ClientOptions
        @Option(name: .customLong("private-key"), help: "The recovery key (PEM), as signet keygen writes it.") var privateKey: String
        @Option(help: "A name for it.") var name = "Recovery key"

        func run(client: SignetClient) async throws {
            let credential = try await client.credentials.addRecoveryKey(try LocalInput.privateKey(at: privateKey), name: name)
            if options.json { return try Output.json(credential) }
            Output.fields([
                ("recovery key id", "\(credential.credentialUuid) (keep it with the key: signet recover account --recovery-credential-id)")
            ])
        }
    }
}
