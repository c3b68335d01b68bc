import Foundation
import SignetCore
import SignetStore
import Testing

@Suite("signet recover, run as a binary against a live server")
struct RecoverCommandTests {
    @Test("Register a recovery key, ask for a code, recover with a new key, log in with it")
    func recover() async throws {
        try await CommandLineTests.withSession { cli, url, orgId, store in
            try await cli.succeed(["login", "--url", url, "--org", orgId, "--email", "admin@cli.example", "--private-key", "admin.pem"])
            try await cli.succeed(["keygen", "--out", "recovery"])
            let added = try await cli.succeed(["credentials", "add-recovery-key", "--private-key", "recovery.pem", "--json"]).json()
            let recoveryId = try #require(added["credentialUuid"] as? String)
            #expect(added["kind"] as? String == "RecoveryKey")
            let asked = try await cli.succeed(["recover", "code", "--url", url, "--org", orgId, "--email", "admin@cli.example"])
            #expect(asked.stdout.contains("recovery code"))
            // What the registration webhook would have carried (none is configured here).
            let admin = try #require(try await store.user(orgId: orgId, username: "admin@cli.example"))
            _ = try await store.addRecoveryCode(
                userId: admin.id,
                digest: TokenDigest.of("cli-code"),
                expiresAt: Date().addingTimeInterval(600),
                at: Date(),
                keeping: 10
            )
            try await cli.succeed(["keygen", "--out", "new"])
            let account =
                ["recover", "account", "--url", url, "--org", orgId, "--email", "admin@cli.example", "--recovery-key", "recovery.pem"]
                + ["--recovery-credential-id", recoveryId, "--private-key", "new.pem"]
            #expect(try await cli.run(account + ["--code", "wrong"]).status == 1)
            #expect(try await cli.succeed(account + ["--code", "cli-code"]).stdout.contains("every other credential"))
            #expect(try await cli.run(["whoami"]).status == 1)  // the old session ended
            try await cli.succeed(["login", "--url", url, "--org", orgId, "--email", "admin@cli.example", "--private-key", "new.pem"])
            #expect(
                try await cli.run(["login", "--url", url, "--org", orgId, "--email", "admin@cli.example", "--private-key", "admin.pem"]).status != 0
            )
        }
    }
}
