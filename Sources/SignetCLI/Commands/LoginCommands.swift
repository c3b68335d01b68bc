import ArgumentParser
import Foundation
import SignetAPI
import SignetClient
import SignetCore

/// `signet login`.
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Log in and remember the server, organisation and key, so later commands need no flags.",
        discussion: """
            As a person:   signet login --url URL --org ORG --email EMAIL --private-key KEY.pem
            As a PAT or service account (scripts, CI):
                           signet login --url URL --org ORG --token-file ci.token --private-key KEY.pem --credential-id CRED
                           (or --token - to read it from standard input; --token TOKEN works too, but shows the
                           token to anyone who can list processes or read your shell history)
            The profile is written to \(Profile.path) with mode 0600. SIGNET_URL, SIGNET_ORG_ID, SIGNET_TOKEN,
            SIGNET_PRIVATE_KEY and SIGNET_CREDENTIAL_ID override it.
            """
    )

    @Option(help: "Read the settings below from a file such as signet-data/admin.json (written by serve --dev).")
    var from: String?
    @Option(help: "The server's base URL, e.g. http://127.0.0.1:8080.")
    var url: String?
    @Option(help: "The organisation id (or-…).")
    var org: String?
    @Option(help: "Your email (username), to log in as a person.")
    var email: String?
    @Option(
        help:
            "An access token (a PAT or a service account's) to use instead of logging in; - reads it from standard input. Prefer --token-file: a token on the command line is visible in ps and shell history."
    )
    var token: String?
    @Option(name: .customLong("token-file"), help: "Read the access token from this file (- for standard input).")
    var tokenFile: String?
    @Option(name: .customLong("private-key"), help: "The private key that signs for you (PEM).")
    var privateKey: String?
    // Unconditional: a credId is base64url and may begin with "-" (one in 64 does).
    @Option(
        name: .customLong("credential-id"),
        parsing: .unconditional,
        help: "The key's credential id (credId); found automatically when logging in by email with one key (needed once you have several)."
    )
    var credentialId: String?
    @Flag(help: "Print the result as JSON.")
    var json = false

    /// The settings `serve --dev` writes next to the administrator's key.
    struct SettingsFile: Decodable {
        var baseUrl: String?
        var orgId: String?
        var username: String?
        var credentialId: String?
        var privateKeyFile: String?
    }

    func validate() throws {
        if from == nil {
            guard url != nil, org != nil, privateKey != nil else {
                throw ValidationError("give --url, --org and --private-key (or --from signet-data/admin.json)")
            }
            guard (email == nil) != (token == nil && tokenFile == nil) else {
                throw ValidationError("give either --email (log in as a person) or --token-file/--token (a PAT or service account)")
            }
        }
        if token != nil, tokenFile != nil { throw ValidationError("give --token or --token-file, not both") }
        if token != nil || tokenFile != nil, credentialId == nil {
            throw ValidationError("--token needs --credential-id: the credId of the token's key")
        }
    }

    func run() async throws {
        var settings = SettingsFile()
        if let from {
            guard let data = FileManager.default.contents(atPath: from), let decoded = try? JSONDecoder().decode(SettingsFile.self, from: data) else {
                throw UsageError("cannot read the settings file \(from)")
            }
            settings = decoded
        }
        guard let url = url ?? settings.baseUrl, let org = org ?? settings.orgId, let privateKey = privateKey ?? settings.privateKeyFile else {
            throw UsageError("\(from ?? "the settings") lacks baseUrl, orgId or privateKeyFile; give --url, --org and --private-key")
        }
        let token = try readToken()
        let email = token == nil ? (email ?? settings.username) : nil
        guard token != nil || email != nil else { throw UsageError("give --email (log in as a person) or --token (a PAT or service account)") }
        let credentialId = credentialId ?? settings.credentialId
        try await Output.guarded {
            var profile = Profile(
                url: url,
                orgId: org,
                username: email,
                credentialId: credentialId ?? "",
                privateKeyPath: absolute(privateKey),
                token: token
            )
            if let email {
                if profile.credentialId.isEmpty {
                    let anonymous = try SignetClient(baseURL: url, organizationID: org, authToken: nil)
                    let challenge = try await anonymous.auth.createLoginChallenge(username: email)
                    let ids = challenge.allowCredentials.key.map(\.id)
                    // One key is listed under its credId and its cr-… id (both sign): use the cr-… id.
                    let signetIds = ids.filter { Identifier.isWellFormed($0, prefix: .credential) }
                    guard let only = ids.count == 1 ? ids.first : ids.count == 2 && signetIds.count == 1 ? signetIds.first : nil else {
                        throw UsageError("you have several keys; say which one with --credential-id (one of \(ids.joined(separator: ", ")))")
                    }
                    profile.credentialId = only
                }
                let client = try await SignetClient.login(baseURL: url, organizationID: org, username: email, signer: try profile.signer())
                profile.token = client.authToken
            }
            let client = try SignetClient(baseURL: url, organizationID: org, authToken: profile.token, signer: try profile.signer())
            let me = try await client.auth.whoami()
            try profile.save()
            if json {
                try Output.json(me)
            } else {
                print("Logged in as \(me.username) (\(me.tokenKind.rawValue) \(me.tokenId)) until \(Output.date(me.tokenExpiresAt)).")
                print("Profile saved to \(Profile.path).")
            }
        }
    }

    /// The token from --token-file, --token - (standard input) or --token, trimmed.
    private func readToken() throws -> String? {
        let source = tokenFile ?? (token == "-" ? "-" : nil)
        guard let source else { return token }
        let data: Data?
        if source == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            data = FileManager.default.contents(atPath: source)
        }
        guard let data, let text = String(data: data, encoding: .utf8) else {
            throw UsageError("cannot read the token from \(source == "-" ? "standard input" : source)")
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw UsageError("no token in \(source == "-" ? "standard input" : source)") }
        return trimmed
    }

    private func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}

/// `signet logout`.
struct LogoutCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "logout",
        abstract: "End the login session and forget the profile (server, organisation, key path and token)."
    )
    @OptionGroup var options: ClientOptions

    func run(client: SignetClient) async throws {
        let me = try await client.auth.whoami()
        if me.tokenKind == .login { try await client.auth.logout() }
        try? FileManager.default.removeItem(atPath: Profile.path)
        print(
            me.tokenKind == .login
                ? "Logged out; run signet login to log in again."
                : "Forgot the profile (a \(me.tokenKind.rawValue) is ended with its deactivate command)."
        )
    }
}

/// `signet whoami`.
struct WhoamiCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "whoami",
        abstract: "Show who you are: identity, kind, token expiry and effective permissions."
    )
    @OptionGroup var options: ClientOptions

    func run(client: SignetClient) async throws {
        let me = try await client.auth.whoami()
        if options.json { return try Output.json(me) }
        Output.fields([
            ("user", "\(me.username) (\(me.userId))"), ("kind", me.isServiceAccount ? "service account" : me.userKind.rawValue),
            ("organisation", me.orgId), ("token", "\(me.tokenKind.rawValue) \(me.tokenId)"),
            ("expires", Output.date(me.tokenExpiresAt)),
            ("permissions", me.allOperations ? "every operation" : (me.permissions.isEmpty ? "none" : me.permissions.joined(separator: ", "))),
        ])
    }
}
