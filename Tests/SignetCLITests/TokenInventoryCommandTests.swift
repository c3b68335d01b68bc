import Foundation
import Testing

@Suite("signet pat list --all, run as a binary against a live server")
struct TokenInventoryCommandTests {
    @Test("The organisation's tokens, filtered by kind, expiry and use; filters without --all are a usage error")
    func inventory() async throws {
        try await CommandLineTests.withSession { cli, url, orgId in
            try await cli.succeed(["login", "--url", url, "--org", orgId, "--email", "admin@cli.example", "--private-key", "admin.pem"])
            try await cli.succeed(["pat", "create", "--name", "short", "--days", "3"])
            try await cli.succeed(["pat", "create", "--name", "long", "--days", "60"])
            func names(_ arguments: [String]) async throws -> Set<String> {
                let output = try await cli.succeed(["pat", "list", "--all", "--json"] + arguments).stdout
                let tokens = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]])
                return Set(tokens.compactMap { $0["name"] as? String })
            }
            #expect(try await names([]).isSuperset(of: ["short", "long"]))
            #expect(try await names(["--expiring", "7d", "--kind", "Pat"]) == ["short"])
            #expect(try await names(["--kind", "ServiceAccount"]).isEmpty)
            #expect(try await names(["--never-used"]).isSuperset(of: ["short", "long"]))
            #expect(try await cli.succeed(["pat", "list", "--all"]).stdout.contains("KIND"))
            for arguments in [["--kind", "Pat"], ["--all", "--expiring", "7x"], ["--all", "--unused", "d"]] {
                #expect(try await cli.run(["pat", "list"] + arguments).status == 2, "\(arguments)")
            }
            #expect(try await cli.run(["pat", "list", "--all", "--state", "gone"]).status == 1)
        }
    }

    @Test("signet org set caps new PATs; --no-max-pat-days removes the cap; a bad flag set is a usage error")
    func lifetimeLimit() async throws {
        try await CommandLineTests.withSession { cli, url, orgId in
            try await cli.succeed(["login", "--url", url, "--org", orgId, "--email", "admin@cli.example", "--private-key", "admin.pem"])
            #expect(try await cli.succeed(["org", "settings"]).stdout.contains("none (the server's maximum)"))
            let set = try await cli.succeed(["org", "set", "--max-pat-days", "14", "--json"]).json()
            #expect(set["maximumPatLifetimeDays"] as? Int == 14 && set["serverMaximumPatLifetimeDays"] as? Int == 730)
            #expect(try await cli.run(["pat", "create", "--name", "too-long", "--days", "30"]).status == 1)
            try await cli.succeed(["pat", "create", "--name", "fits", "--days", "14"])
            try await cli.succeed(["org", "set", "--no-max-pat-days"])
            try await cli.succeed(["pat", "create", "--name", "long", "--days", "30"])
            for arguments in [["org", "set"], ["org", "set", "--max-pat-days", "5", "--no-max-pat-days"]] {
                #expect(try await cli.run(arguments).status == 2, "\(arguments)")
            }
        }
    }
}
