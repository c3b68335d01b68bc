import Foundation
import Testing

@Suite("signet audit export and verify, run as a binary")
struct AuditCommandTests {
    @Test("An export verifies offline; one byte edited, one record deleted, two swapped: verify names each")
    func exportAndVerify() async throws {
        try await CommandLineTests.withSession { cli, url, orgId in
            try await cli.succeed(["login", "--url", url, "--org", orgId, "--email", "admin@cli.example", "--private-key", "admin.pem"])
            for index in 1...4 { try await cli.succeed(["users", "create", "--email", "person\(index)@cli.example"]) }
            let exported = try await cli.succeed(["audit", "export", "--to", "audit.jsonl"])
            #expect(exported.stderr.contains("wrote 4 audit records"), "\(exported.stderr)")
            #expect(CommandRunner.mode(cli.directory + "/audit.jsonl") == 0o600)
            let again = try await cli.run(["audit", "export", "--to", "audit.jsonl"])
            #expect(again.status != 0 && again.stderr.contains("never overwritten"), "an existing file is never replaced: \(again.stderr)")
            let verified = try await cli.succeed(["audit", "verify", "audit.jsonl"])
            #expect(verified.stdout.contains("verified: 4 records"), "\(verified.stdout)")

            let original = try String(contentsOfFile: cli.directory + "/audit.jsonl", encoding: .utf8)
            var lines = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let ids = try lines.dropFirst().filter { !$0.isEmpty }.map { line in
                try #require((try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["id"] as? String)
            }
            #expect(ids.count == 4)
            let head = try #require(verified.stdout.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
            #expect(try await cli.succeed(["audit", "verify", "audit.jsonl", "--head", head]).status == 0)

            func verify(_ changed: [String]) async throws -> String {
                try changed.joined(separator: "\n").write(toFile: cli.directory + "/tampered.jsonl", atomically: true, encoding: .utf8)
                let result = try await cli.run(["audit", "verify", "tampered.jsonl"])
                #expect(result.status == 1, "\(result.stdout)")
                return result.stderr
            }
            // One byte of record 2: the first digit of its body's digest.
            var edited = lines
            let marker = #""payloadDigest":""#
            let digestStart = try #require(edited[2].range(of: marker)).upperBound
            let digit = edited[2][digestStart]
            edited[2].replaceSubrange(digestStart...digestStart, with: digit == "0" ? "1" : "0")
            #expect(edited != lines)
            let editedError = try await verify(edited)
            #expect(editedError.contains("record 2 (\(ids[1]))") && editedError.contains("was changed"), "\(editedError)")
            // Record 3 deleted.
            var deleted = lines
            deleted.remove(at: 3)
            let deletedError = try await verify(deleted)
            #expect(deletedError.contains("record 3 (\(ids[3]))") && deletedError.contains("missing"), "\(deletedError)")
            // Records 2 and 4 swapped.
            var swapped = lines
            swapped.swapAt(2, 4)
            let swappedError = try await verify(swapped)
            #expect(swappedError.contains("record 2 (\(ids[3]))") && swappedError.contains("out of order"), "\(swappedError)")
            // The last record removed, header kept: the header's count and head tell.
            lines.remove(at: 4)
            let truncatedError = try await verify(lines)
            #expect(truncatedError.contains("removed or added at the end"), "\(truncatedError)")
            #expect(try await cli.run(["audit", "verify", "audit.jsonl", "--head", String(repeating: "a", count: 64)]).status == 1)
        }
    }
}
