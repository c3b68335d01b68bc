import ArgumentParser
import Foundation
import SignetAPI
import SignetClient
import SignetCore

/// `signet register`: a person invited with a registration code registers their key.
struct RegisterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Register your first key with the one-time code an administrator gave you.",
        discussion: """
            An administrator runs `signet users create --email YOU` and gives you the code it prints (valid 4 hours,
            single use). Make a key (`signet keygen --out me`), register it, then log in:
              signet register --url URL --org ORG --email YOU --code CODE --private-key me.pem
              signet login --url URL --org ORG --email YOU --private-key me.pem
            A passkey is registered in the web dashboard instead. Lost every credential? Ask an administrator for a
            new code (`signet users registration-code --email YOU`).
            """
    )

    @Option(help: "The server's URL, such as http://127.0.0.1:8080.") var url: String
    @Option(help: "Your organisation's id (or-…).") var org: String
    @Option(help: "Your email, which is your username.") var email: String
    @Option(help: "The one-time registration code.") var code: String
    @Option(name: .customLong("private-key"), help: "Your private key (PEM), as signet keygen writes it.") var privateKey: String
    @Option(name: .customLong("credential-name"), help: "A name for the key, such as laptop.") var credentialName: String?
    @Flag(help: "Print the result as JSON.") var json = false

    func run() async throws {
        let key = try LocalInput.privateKey(at: privateKey)
        try await Output.guarded {
            let registered = try await SignetClient.register(
                baseURL: url,
                organizationID: org,
                username: email,
                registrationCode: code,
                privateKey: key,
                credentialName: credentialName
            )
            if json { return try Output.json(registered) }
            Output.fields([
                ("user", registered.user.id), ("credential", "\(registered.credential.uuid) (\(registered.credential.kind.rawValue))"),
                ("next", "signet login --url \(url) --org \(org) --email \(email) --private-key \(privateKey)"),
            ])
        }
    }
}
