import ArgumentParser
import Foundation
import SignetAPI
import SignetClient
import SignetCore

extension CredentialCommand {
    /// `signet credentials code`: a one-time code for adding a credential from another device.
    struct Code: ClientCommand {
        static let configuration = CommandConfiguration(
            abstract: "Get a one-time code to add a key to your account from another machine (signed in as a person).",
            discussion: """
                On the other machine, with no login:
                  signet keygen --out laptop
                  signet credentials add-with-code --url URL --org ORG --code CODE --private-key laptop.pem
                The code works once, until it expires, and only while this login session lasts (signet logout ends it);
                it is shown once.
                """
        )
        @OptionGroup var options: ClientOptions
        @Option(help: "Minutes until the code expires (1 to 60).") var minutes = 15

        func validate() throws {
            guard (1...60).contains(minutes) else { throw ValidationError("--minutes must be between 1 and 60") }
        }

        func run(client: SignetClient) async throws {
            let code = try await client.credentials.createCode(expiration: Date().addingTimeInterval(Double(minutes) * 60))
            if options.json { return try Output.json(code) }
            Output.fields([("code", "\(code.code) (single use, until \(Output.date(code.expiration)); shown once)")])
        }
    }

    /// `signet credentials add-with-code`: the other machine's half, with no access token.
    struct AddWithCode: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-with-code",
            abstract: "Add a key to your account with a one-time code from `signet credentials code` (no login needed)."
        )
        @Option(help: "The server's URL, such as http://127.0.0.1:8080.") var url: String
        @Option(help: "Your organisation's id (or-…).") var org: String
        @Option(help: "The one-time code; left out, it is read from standard input (out of the process list and shell history).")
        var code: String?
        @Option(name: .customLong("private-key"), help: "The new private key (PEM), as signet keygen writes it.") var privateKey: String
        @Option(help: "A name for the key, such as laptop.") var name = "added with a code"
        @Flag(help: "Print the result as JSON.") var json = false

        func run() async throws {
            let key = try LocalInput.privateKey(at: privateKey)
            try await Output.guarded {
                let client = try SignetClient(baseURL: url, organizationID: org, authToken: nil)
                let credential = try await client.credentials.add(key: key, name: name, code: try LocalInput.code(code))
                if json { return try Output.json(credential) }
                Output.fields([
                    ("credential", "\(credential.credentialUuid) (\(credential.kind.rawValue)), id \(credential.credentialId)"),
                    (
                        "next",
                        "signet login --url \(url) --org \(org) --email YOU --private-key \(privateKey) --credential-id=\(credential.credentialId)"
                    ),
                ])
            }
        }
    }
}
