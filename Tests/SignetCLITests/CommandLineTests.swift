import ArgumentParser
import Foundation
import Hummingbird
import HummingbirdTesting
import SignetServer
import SignetStore
import SignetTestFixtures
import Testing

@testable import SignetCLI

@Suite("The signet command line, run as a binary against a live server")
struct CommandLineTests {
    /// A scratch folder with `signet init` done, a live server on its store, and a runner whose
    /// profile lives in the folder.
    static func withSession(_ body: @Sendable (CommandRunner, String, String) async throws -> Void) async throws {
        try await withSession { runner, url, orgId, _ in try await body(runner, url, orgId) }
    }

    /// ``withSession(_:)``, with the server's store for what no command shows (a webhook's code).
    static func withSession(_ body: @Sendable (CommandRunner, String, String, SQLStore) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SIGNET_") }
        environment["SIGNET_CONFIG_DIR"] = directory + "/config"
        let runner = CommandRunner(directory: directory, environment: environment)

        try await runner.succeed(["keygen", "--algorithm", "p256", "--out", "admin"])
        #expect(CommandRunner.mode(directory + "/admin.pem") == 0o600)
        let initialized = try await runner.succeed([
            "init", "--database", "data/signet.sqlite", "--org-name", "CLI", "--email", "admin@cli.example", "--public-key",
            "admin.public.pem", "--json",
        ]).json()
        let orgId = try #require(initialized["orgId"] as? String)
        let store = try await SQLStore.sqlite(path: directory + "/data/signet.sqlite")
        do {
            let app = try await buildApplication(configuration: ServerConfiguration(port: 0), store: store, logger: TestLogging.server())
            try await app.test(.live) { client in
                try await body(runner, "http://127.0.0.1:\(client.port ?? 0)", orgId, store)
            }
            try await store.shutdown()
        } catch {
            try? await store.shutdown()
            throw error
        }
    }

    @Test("A credential id that begins with - (base64url allows it) is read as the value of --credential-id")
    func credentialIdWithLeadingDash() throws {
        let command = try LoginCommand.parse([
            "--url", "http://127.0.0.1:1", "--org", "or-x", "--token-file", "t", "--private-key", "k.pem", "--credential-id", "-EsCwN_b1Baw0w1",
        ])
        #expect(command.credentialId == "-EsCwN_b1Baw0w1")
        #expect(command.tokenFile == "t")
    }

    @Test("keygen, login, create a PAT, use it, rotate its key, deactivate it, see 401")
    func session() async throws {
        try await Self.withSession { cli, url, orgId in
            let login = try await cli.succeed(["login", "--url", url, "--org", orgId, "--email", "admin@cli.example", "--private-key", "admin.pem"])
            #expect(login.stdout.contains("Logged in as admin@cli.example"))
            #expect(CommandRunner.mode(cli.directory + "/config/profile.json") == 0o600)
            let can = try await cli.run(["can", "Auth:Users:Read"])
            #expect(can.status == 0 && can.stdout.contains("yes") && can.stdout.contains("ManagedFullAdminAccess"), "\(can.stdout)")
            #expect(try await cli.run(["can", "Wallets:Fly"]).status == 1)

            let created = try await cli.succeed(["pat", "create", "--name", "ci", "--algorithm", "rsa"])
            #expect(created.stderr.contains("shown only this once"))
            let token = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(token.split(separator: ".").count == 3)
            #expect(CommandRunner.mode(cli.directory + "/ci.pem") == 0o600)
            let duplicate = try await cli.run(["pat", "create", "--name", "ci", "--out", "again"])
            #expect(duplicate.status == 1 && !FileManager.default.fileExists(atPath: cli.directory + "/again.pem"), "a refused create keeps no key")
            #expect(!FileManager.default.fileExists(atPath: cli.directory + "/again.public.pem"))
            let pats = try JSONSerialization.jsonObject(with: Data(try await cli.succeed(["pat", "list", "--json"]).stdout.utf8)) as? [[String: Any]]
            let pat = try #require(pats?.first)
            let tokenId = try #require(pat["tokenId"] as? String)
            let credId = try #require(pat["credId"] as? String)
            #expect(pat["accessToken"] == nil)
            let table = try await cli.succeed(["pat", "list"]).stdout
            #expect(table.contains("EXPIRES") && table.contains("LAST USED") && table.contains("active"), "\(table)")

            let asPat = ["SIGNET_TOKEN": token, "SIGNET_PRIVATE_KEY": cli.directory + "/ci.pem", "SIGNET_CREDENTIAL_ID": credId]
            #expect(try await cli.succeed(["whoami", "--json"], environment: asPat).json()["tokenKind"] as? String == "Pat")
            try await cli.succeed(["pat", "update", tokenId, "--name", "ci-signed-by-pat"], environment: asPat)
            // The three-request flow, on request (Fast Auth is the default).
            try await cli.succeed(["pat", "update", tokenId, "--name", "ci-three-requests", "--no-fast-auth"], environment: asPat)
            let slow = try await cli.succeed(
                ["pat", "update", tokenId, "--name", "ci-env"],
                environment: asPat.merging(["SIGNET_FAST_AUTH": "off"]) { $1 }
            )
            #expect(slow.status == 0)

            let rotation = try await cli.succeed(["pat", "rotate-key", "--json"], environment: asPat).json()
            let newKey = try #require(rotation["privateKeyPath"] as? String)
            let newCred = try #require(rotation["credentialId"] as? String)
            #expect(CommandRunner.mode(cli.directory + "/" + newKey) == 0o600 || CommandRunner.mode(newKey) == 0o600)
            let oldKeyRefused = try await cli.run(["pat", "update", tokenId, "--name", "old"], environment: asPat)
            #expect(oldKeyRefused.status == 1)
            let asRotated = ["SIGNET_TOKEN": token, "SIGNET_PRIVATE_KEY": newKey, "SIGNET_CREDENTIAL_ID": newCred]
            try await cli.succeed(["pat", "update", tokenId, "--name", "new"], environment: asRotated)

            // The token read from a file, never on the command line (where ps and shell history would show it).
            try token.write(toFile: cli.directory + "/ci.token", atomically: true, encoding: .utf8)
            let patProfile = ["SIGNET_CONFIG_DIR": cli.directory + "/config-pat"]
            try await cli.succeed(
                ["login", "--url", url, "--org", orgId, "--token-file", "ci.token", "--private-key", newKey, "--credential-id", newCred],
                environment: patProfile
            )
            #expect(try await cli.succeed(["whoami", "--json"], environment: patProfile).json()["tokenKind"] as? String == "Pat")

            try await cli.succeed(["pat", "deactivate", tokenId])
            let refused = try await cli.run(["whoami"], environment: asRotated)
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("401") && refused.stderr.contains("deactivated"))
        }
    }

    @Test("Administration commands print tables for people and JSON for scripts")
    func administration() async throws {
        try await Self.withSession { cli, url, orgId in
            try await cli.succeed(["login", "--url", url, "--org", orgId, "--email", "admin@cli.example", "--private-key", "admin.pem"])
            let role = try await cli.succeed(["roles", "create", "--name", "readers", "--operation", "Auth:Users:Read", "--json"]).json()
            let roleId = try #require(role["id"] as? String)
            try await cli.succeed(["keygen", "--out", "dev"])
            let user = try await cli.succeed(["users", "create", "--email", "dev@cli.example", "--public-key", "dev.public.pem", "--json"]).json()
            let userId = try #require(user["userId"] as? String)
            #expect(try await cli.succeed(["roles", "assign", roleId, userId]).stdout.contains("Assigned"))
            #expect(try await cli.succeed(["users", "list"]).stdout.contains("dev@cli.example"))
            #expect(try await cli.succeed(["roles", "assignments", roleId]).stdout.contains(userId))
            let account = try await cli.succeed(["sa", "create", "--name", "bot", "--role", roleId])
            #expect(account.stdout.split(separator: ".").count == 3)
            #expect(try await cli.succeed(["sa", "list"]).stdout.contains("bot"))
            #expect(try await cli.succeed(["credentials", "list"]).stdout.contains("yes"))
            let audit = try await cli.succeed(["audit", "list", "--json"])
            #expect(((try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8))) as? [Any])?.count == 4)
            #expect(try await cli.succeed(["whoami"]).stdout.contains("every operation"))
            try await cli.succeed(["users", "deactivate", userId])
            #expect(try await cli.run(["users", "deactivate", "us-nobody"]).status == 1)
            try await cli.succeed(["logout"])
            #expect(try await cli.run(["whoami"]).status != 0)
        }
    }

    @Test("Invite, register with the code, log in: users create prints the code and the register command")
    func invitation() async throws {
        try await Self.withSession { cli, url, orgId in
            try await cli.succeed(["login", "--url", url, "--org", orgId, "--email", "admin@cli.example", "--private-key", "admin.pem"])
            let shown = try await cli.succeed(["users", "create", "--email", "invited@cli.example"])
            #expect(shown.stdout.contains("registration code") && shown.stdout.contains("signet register --url \(url)"))
            #expect(shown.stdout.contains("setup link") && shown.stdout.contains("\(url)/setup?org=\(orgId)&username=invited%40cli.example&code="))
            let renewed = try await cli.succeed(["users", "registration-code", "--email", "invited@cli.example", "--json"])
            let code =
                try #require(try JSONSerialization.jsonObject(with: Data(renewed.stdout.utf8)) as? [String: Any])["registrationCode"] as? String
            try await cli.succeed(["keygen", "--out", "invited"])
            let wrong = try await cli.run(
                ["register", "--url", url, "--org", orgId, "--email", "invited@cli.example", "--code", "nope", "--private-key", "invited.pem"])
            #expect(wrong.status == 1 && wrong.stderr.contains("registration code is not valid"))
            let registered = try await cli.succeed(
                [
                    "register", "--url", url, "--org", orgId, "--email", "invited@cli.example", "--code", try #require(code), "--private-key",
                    "invited.pem",
                ])
            #expect(registered.stdout.contains("signet login"))
            let login = try await cli.succeed([
                "login", "--url", url, "--org", orgId, "--email", "invited@cli.example", "--private-key", "invited.pem",
            ])
            #expect(login.stdout.contains("Logged in as invited@cli.example"))
        }
    }

    @Test("Usage errors exit 2 and say what to do")
    func usage() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cli = CommandRunner(directory: directory, environment: ["SIGNET_CONFIG_DIR": directory + "/config", "PATH": "/usr/bin:/bin"])
        for arguments in [
            ["pat", "get"], ["frobnicate"], ["keygen", "--algorithm", "dsa"], ["login", "--url", "u", "--org", "o", "--private-key", "k"],
        ] {
            let result = try await cli.run(arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
        }
        let notLoggedIn = try await cli.run(["pat", "list"])
        #expect(notLoggedIn.status == 2 && notLoggedIn.stderr.contains("signet login"))
        try await cli.succeed(["keygen", "--out", "k"])
        let overwrite = try await cli.run(["keygen", "--out", "k"])
        #expect(overwrite.status == 2 && overwrite.stderr.contains("never overwritten"))
        #expect(try await cli.succeed(["--help"]).stdout.contains("Exit codes"))
    }
}
