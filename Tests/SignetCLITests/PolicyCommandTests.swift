import Foundation
import Testing

@Suite("signet policies and approvals, run as a binary against a live server")
struct PolicyCommandTests {
    /// Logs the administrator in and makes a person who may decide on approvals, and a role to govern.
    static func approverAndRole(_ cli: CommandRunner, url: String, orgId: String) async throws -> (approverId: String, roleId: String) {
        try await cli.succeed(["login", "--url", url, "--org", orgId, "--email", "admin@cli.example", "--private-key", "admin.pem"])
        try await cli.succeed(["keygen", "--out", "approver"])
        let approver = try await cli.succeed(
            ["users", "create", "--email", "approver@cli.example", "--public-key", "approver.public.pem", "--json"]
        ).json()
        let approverId = try #require(approver["userId"] as? String)
        let deciders = try await cli.succeed([
            "roles", "create", "--name", "deciders", "--operation", "Policies:Approvals:Approve", "--operation", "Policies:Approvals:Read",
            "--json",
        ]).json()
        try await cli.succeed(["roles", "assign", try #require(deciders["id"] as? String), approverId])
        let readers = try await cli.succeed(["roles", "create", "--name", "readers", "--operation", "Auth:Users:Read", "--json"]).json()
        return (approverId, try #require(readers["id"] as? String))
    }

    @Test("A policy holds an assignment (exit code 3); the approver lists it as theirs and approves it; archiving needs approval too")
    func policies() async throws {
        try await CommandLineTests.withSession { cli, url, orgId in
            let (approverId, roleId) = try await Self.approverAndRole(cli, url: url, orgId: orgId)
            try await cli.succeed(["keygen", "--out", "dev"])
            let dev = try await cli.succeed(["users", "create", "--email", "dev@cli.example", "--public-key", "dev.public.pem", "--json"]).json()
            let devId = try #require(dev["userId"] as? String)

            #expect(try await cli.run(["policies", "create", "--name", "x", "--activity", "Permissions:Assign"]).status == 2)
            #expect(try await cli.run(["policies", "create", "--name", "x", "--activity", "Permissions:Assign", "--group", "two:anyone"]).status == 2)
            let policy = try await cli.succeed([
                "policies", "create", "--name", "Grants", "--activity", "Permissions:Assign", "--group", "1:\(approverId)", "--permission", roleId,
                "--json",
            ]).json()
            let policyId = try #require(policy["id"] as? String)
            #expect(try await cli.succeed(["policies", "list"]).stdout.contains("Grants"))

            let held = try await cli.run(["roles", "assign", roleId, devId])
            #expect(held.status == 3 && held.stderr.contains("Held for approval"), "\(held.stdout) \(held.stderr)")
            let approvalId = try #require(held.stderr.split(separator: " ").first { $0.hasPrefix("ap-") }.map(String.init))
            #expect(try await cli.succeed(["approvals", "list"]).stdout.contains(approvalId))

            let approverConfig = ["SIGNET_CONFIG_DIR": cli.directory + "/approver-config"]
            try await cli.succeed(
                ["login", "--url", url, "--org", orgId, "--email", "approver@cli.example", "--private-key", "approver.pem"],
                environment: approverConfig
            )
            #expect(try await cli.succeed(["approvals", "list", "--mine"], environment: approverConfig).stdout.contains(approvalId))
            let approved = try await cli.succeed(["approvals", "approve", approvalId, "--reason", "ok"], environment: approverConfig)
            #expect(approved.stdout.contains("Approved") && approved.stdout.contains("Applied"), "\(approved.stdout)")
            #expect(try await cli.succeed(["roles", "assignments", roleId]).stdout.contains(devId))
            #expect(try await cli.succeed(["approvals", "list", "--mine"], environment: approverConfig).stdout.contains(approvalId) == false)
            #expect(try await cli.run(["approvals", "deny", approvalId], environment: approverConfig).status == 1)

            let archive = try await cli.run(["policies", "archive", policyId])
            #expect(archive.status == 3, "\(archive.stdout) \(archive.stderr)")
        }
    }

    @Test("A PAT with a covered role is held (exit code 3, its key kept); once approved, signet approvals claim shows its token once")
    func claim() async throws {
        try await CommandLineTests.withSession { cli, url, orgId in
            let (approverId, roleId) = try await Self.approverAndRole(cli, url: url, orgId: orgId)
            try await cli.succeed([
                "policies", "create", "--name", "Reader tokens", "--activity", "Auth:Pats:Create", "--group", "1:\(approverId)", "--permission", roleId,
            ])

            let held = try await cli.run(["pat", "create", "--name", "reader-bot", "--role", roleId])
            #expect(held.status == 3 && held.stderr.contains("signet approvals claim"), "\(held.stdout) \(held.stderr)")
            #expect(FileManager.default.fileExists(atPath: cli.directory + "/reader-bot.pem"), "the generated key is kept for the claim")
            let approvalId = try #require(held.stderr.split(separator: " ").first { $0.hasPrefix("ap-") }.map { String($0.prefix { $0 != ")" && $0 != ";" }) })
            #expect(try await cli.run(["approvals", "claim", approvalId]).status == 1, "nothing to claim before approval")

            let approverConfig = ["SIGNET_CONFIG_DIR": cli.directory + "/approver-config"]
            try await cli.succeed(
                ["login", "--url", url, "--org", orgId, "--email", "approver@cli.example", "--private-key", "approver.pem"],
                environment: approverConfig
            )
            let approved = try await cli.succeed(["approvals", "approve", approvalId], environment: approverConfig)
            #expect(approved.stdout.contains("Claimable"), "\(approved.stdout)")
            let claimed = try await cli.succeed(["approvals", "claim", approvalId])
            #expect(claimed.stdout.split(separator: "\n").first?.split(separator: ".").count == 3, "the token, once: \(claimed.stdout)")
            #expect(try await cli.run(["approvals", "claim", approvalId]).status == 1, "claimed once")
            #expect(try await cli.succeed(["pat", "list"]).stdout.contains("reader-bot"))
        }
    }
}
