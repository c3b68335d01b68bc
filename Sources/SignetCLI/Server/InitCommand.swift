import ArgumentParser
import Foundation
import Logging
import SignetServer
import SignetStore

/// `signet init`: creates the organisation and its first administrator.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the organisation and its first administrator on an empty store.",
        discussion: """
            The administrator is a CustomerEmployee whose username is EMAIL, with the managed role
            ManagedFullAdminAccess. Without --public-key, init prints a setup link (valid 4 hours): open it in a
            browser on the dashboard (signet serve with --rp-id/--origin, or --dev) to register a passkey.
            With --public-key FILE, the administrator gets a Key credential instead. Make a keypair first, e.g.:
              openssl genpkey -algorithm ed25519 -out admin.pem
              openssl pkey -in admin.pem -pubout -out admin.public.pem
            Keep admin.pem secret: it signs the administrator's logins and actions.
            On a store that is already initialised, init changes nothing and fails.
            """
    )

    @Option(help: "The store: a SQLite file or a postgres:// URL (env SIGNET_DATABASE).")
    var database: String = Environment.defaultDatabase

    @Option(name: .customLong("org-name"), help: "The organisation's name.")
    var organizationName: String

    @Option(help: "The administrator's email, which is also their username.")
    var email: String

    @Option(
        name: .customLong("public-key"),
        help: "A PEM public key file (P-256, Ed25519 or RSA >= 2048 bits). Without it: a setup link to register a passkey."
    )
    var publicKey: String?

    @Option(help: "The dashboard's address as the administrator opens it, for the setup link (the server's --origin).")
    var url: String = "http://localhost:8080"

    @Flag(help: "Print exactly one JSON object: orgId, userId, username, and credentialId and credentialUuid, or setupLink.")
    var json = false

    func validate() throws {
        guard let components = URLComponents(string: url), ["http", "https"].contains(components.scheme ?? ""), components.host != nil
        else { throw ValidationError("--url '\(url)' is not an http(s) address such as https://signet.example.com") }
    }

    /// ` --port N` when `--url` names this machine with a port other than serve's default: serve must
    /// listen where the setup link points.
    private var portOption: String {
        guard let components = URLComponents(string: url), let port = components.port, port != 8080,
            ["localhost", "127.0.0.1", "[::1]", "::1"].contains(components.host ?? "")
        else { return "" }
        return " --port \(port)"
    }

    /// The passkey relying party id `serve` needs for the setup link: the host of `--url`.
    private var rpId: String { URLComponents(string: url)?.host ?? "localhost" }

    func run() async throws {
        let location = try DatabaseLocation(database)
        let pem = try publicKey.map { path in
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ValidationError("cannot read the public key file \(path)")
            }
            return text
        }
        if case .sqlite = location.store { try location.prepare() }
        var logger = Logger(label: "signet.init")
        logger.logLevel = .warning
        let (organizationName, email, url) = (self.organizationName, self.email, self.url)
        var result: OrganizationBootstrap.Result
        do {
            result = try await SQLStore.with(location.store, logger: logger) { store in
                var result = try await OrganizationBootstrap.initialize(
                    store: store,
                    organizationName: organizationName,
                    email: email,
                    publicKeyPEM: pem
                )
                if pem == nil, let user = try await store.user(id: result.userId) {
                    result.setupLink = try await SetupLink.issue(store: store, user: user, base: url)?.link
                }
                return result
            }
        } catch let failure as OrganizationBootstrap.Failure {
            throw CommandFailure(failure.description)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            print(
                """
                Initialised \(location.store)
                  organisation   \(result.orgId)
                  administrator  \(result.username) (\(result.userId))
                  \(result.credentialId.map { "credential id  \($0)   (the credId your key signer uses)" } ?? "setup link     \(result.setupLink ?? "")")
                Next: signet serve --database \(database)\(result.setupLink == nil ? "" : " --rp-id \(rpId) --origin \(url)\(portOption)"), \
                then \(result.setupLink == nil ? "log in with your key" : "open the setup link within 4 hours to register your passkey")
                """
            )
        }
    }
}
