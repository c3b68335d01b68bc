import ArgumentParser
import Foundation
import SignetAPI
import SignetClient
import SignetCore

/// The file `signet audit export` writes and `signet audit verify` reads: JSON Lines, a header
/// line, then one ``AuditRecord`` per line in chain order.
enum AuditExportFile {
    /// The first line.
    struct Header: Codable, Equatable {
        var format = AuditExportFile.format
        var orgId: String
        var exportedAt: Date
        var records: Int
        /// The last record's hash (the chain's head when exported), or the genesis hash when empty.
        var head: String
    }

    static let format = "signet-audit-export/1"

    static func encode(_ records: [AuditRecord], orgId: String, at date: Date) throws -> Data {
        let encoder = SignetJSON.encoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let header = Header(orgId: orgId, exportedAt: date, records: records.count, head: records.last?.hash ?? AuditChain.genesis)
        var data = try encoder.encode(header)
        for record in records {
            data.append(UInt8(ascii: "\n"))
            data.append(try encoder.encode(record))
        }
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// The header and the records; a line that is not what it should be is named.
    static func decode(_ data: Data) throws -> (header: Header, records: [AuditRecord]) {
        let decoder = SignetJSON.decoder()
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        guard let first = lines.first, let header = try? decoder.decode(Header.self, from: Data(first)), header.format == format else {
            throw ValidationError("line 1 is not a \(format) header: is this a file `signet audit export` wrote?")
        }
        var records: [AuditRecord] = []
        for (offset, line) in lines.dropFirst().enumerated() where !line.isEmpty {
            do {
                records.append(try decoder.decode(AuditRecord.self, from: Data(line)))
            } catch {
                throw AuditChain.Problem(position: records.count + 1, id: nil, reason: "line \(offset + 2) is not an audit record (it was changed)")
            }
        }
        return (header, records)
    }
}

extension AuditCommand {
    struct Export: ClientCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the organisation's audit log, as its hash chain with the signatures' evidence, to a file.",
            discussion: """
                The file is JSON Lines: a header, then every record oldest first. Check it offline, without the server, \
                with `signet audit verify FILE`; keep the head hash it prints to check later exports against (--head).
                """
        )
        @OptionGroup var options: ClientOptions
        @Option(name: .customLong("to"), help: "The file to write (created with mode 0600; an existing file is not replaced).")
        var path: String

        func run(client: SignetClient) async throws {
            var records: [AuditRecord] = []
            var token: String?
            repeat {
                let page = try await client.auditLogs.export(paginationToken: token)
                records += page.items
                token = page.nextPageToken
            } while token != nil
            let orgId = try await client.auth.whoami().orgId
            let data = try AuditExportFile.encode(records, orgId: orgId, at: Date())
            try SecretFile.create(path, contents: String(decoding: data, as: UTF8.self))
            Output.warn("wrote \(records.count) audit records to \(path); head \(records.last?.hash ?? AuditChain.genesis)")
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check an exported audit log offline: its hash chain and every signature. Names the first broken record.",
            discussion: "Exits 0 when every record stands, 1 otherwise. Needs no server and no token."
        )
        @Argument(help: "A file `signet audit export` wrote.") var path: String
        @Option(help: "A head hash noted earlier: the chain must pass through it (a later export extends an earlier one).")
        var head: String?

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
            let header: AuditExportFile.Header
            let records: [AuditRecord]
            do {
                (header, records) = try AuditExportFile.decode(data)
            } catch let problem as AuditChain.Problem {
                return try Self.fail(problem.description)
            }
            switch AuditChain.verify(records) {
            case .failure(let problem): return try Self.fail(problem.description)
            case .success(let last):
                if let first = records.first, !ExactText.equals(first.orgId, header.orgId) {
                    return try Self.fail("the header names organisation \(header.orgId), the records \(first.orgId)")
                }
                if records.count != header.records || !ExactText.equals(last, header.head) {
                    return try Self.fail("the header announces \(header.records) records ending in \(header.head); the file holds \(records.count) ending in \(last): records were removed or added at the end")
                }
                if let head, !ExactText.equals(head, AuditChain.genesis), !records.contains(where: { ExactText.equals($0.hash, head) }) {
                    return try Self.fail("no record hashes to \(head): this is not the chain that head was noted from")
                }
                print("verified: \(records.count) records of organisation \(TextRules.escaped(header.orgId)), chain and signatures intact; head \(last)")
            }
        }

        private static func fail(_ message: String) throws {
            FileHandle.standardError.write(Data("audit log broken: \(TextRules.escaped(message))\n".utf8))
            throw ExitCode.failure
        }
    }
}
