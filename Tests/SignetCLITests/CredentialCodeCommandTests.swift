import Foundation
import Testing

@Suite("signet credentials code and add-with-code, run as a binary against a live server")
struct CredentialCodeCommandTests {
    @Test("A code from a signed-in person adds a key from a command with no login; the key then logs in")
    func addWithCode() async throws {
        try await CommandLineTests.withSession { cli, url, orgId in
            try await cli.succeed(["login", "--url", url, "--org", orgId, "--email", "admin@cli.example", "--private-key", "admin.pem"])
            #expect(try await cli.run(["credentials", "code", "--minutes", "90"]).status == 2)
            let code = try #require(try await cli.succeed(["credentials", "code", "--minutes", "5", "--json"]).json()["code"] as? String)
            // The other machine needs no login; the code works while this session lasts.
            try await cli.succeed(["keygen", "--out", "phone"])
            let added = try await cli.succeed([
                "credentials", "add-with-code", "--url", url, "--org", orgId, "--code", code, "--private-key", "phone.pem", "--name", "phone",
            ])
            #expect(added.stdout.contains("Key"))
            let credentialId = try #require(added.stdout.firstMatch(of: /--credential-id=(\S+)/).map { String($0.1) })
            let reused = try await cli.run([
                "credentials", "add-with-code", "--url", url, "--org", orgId, "--code", code, "--private-key", "phone.pem",
            ])
            #expect(reused.status == 1)
            try await cli.succeed([
                "login", "--url", url, "--org", orgId, "--email", "admin@cli.example", "--private-key", "phone.pem",
                "--credential-id=\(credentialId)",
            ])
            #expect(try await cli.succeed(["credentials", "list"]).stdout.contains("phone"))
        }
    }
}
