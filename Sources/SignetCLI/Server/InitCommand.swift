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
            The administrator is a CustomerEmployee whose username is EMAIL, with a Key credential for the
            public key in FILE and the managed role ManagedFullAdminAccess. Make a keypair first, e.g.:
              openssl genpkey -algorithm ed25519 -out admin.pem
              openssl pkey -in admin.pem -pubout -out admin.public.pem
            Keep admin.pem secret: it signs the administrator's logins and actions.
            On a store that is already initialised, init changes nothing and fails.
            """)

    @Option(help: "The store: a SQLite file or a postgres:// URL (env SIGNET_DATABASE).")
    var database: String = Environment.defaultDatabase

    @Option(name: .customLong("org-name"), help: "The organisation's name.")
    var organizationName: String

    @Option(help: "The administrator's email, which is also their username.")
    var email: String

    @Option(name: .customLong("public-key"), help: "A PEM public key file (P-256, Ed25519 or RSA >= 2048 bits).")
    var publicKey: String

    @Flag(help: "Print exactly one JSON object: orgId, userId, username, credentialId, credentialUuid.")
    var json = false

    func run() async throws {
        let location = try DatabaseLocation(database)
        guard let pem = try? String(contentsOfFile: publicKey, encoding: .utf8) else {
            throw ValidationError("cannot read the public key file \(publicKey)")
        }
        if case .sqlite = location.store { try location.prepare() }
        var logger = Logger(label: "signet.init")
        logger.logLevel = .warning
        let (organizationName, email) = (self.organizationName, self.email)
        let result: OrganizationBootstrap.Result
        do {
            result = try await SQLStore.with(location.store, logger: logger) { store in
                try await OrganizationBootstrap.initialize(store: store, organizationName: organizationName, email: email, publicKeyPEM: pem)
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
                  credential id  \(result.credentialId)   (the credId your key signer uses)
                Next: signet serve --database \(database)
                """)
        }
    }
}
