import ArgumentParser
import Foundation
import SignetAPI
import SignetClient
import SignetCore

/// Printing results: JSON for scripts (`--json`), aligned tables for people.
enum Output {
    static func json(_ value: some Encodable) throws {
        let encoder = SignetJSON.encoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// A table with a header row; columns are as wide as their widest cell.
    /// Cells come from the server (names, emails): control and format characters are escaped, so a
    /// name cannot move the cursor, clear the screen or reorder what the terminal shows.
    static func table(_ headers: [String], _ rows: [[String]]) {
        let rows = rows.map { $0.map(TextRules.escaped) }
        guard !rows.isEmpty else {
            print("(none)")
            return
        }
        let widths = headers.indices.map { column in ([headers] + rows).map { $0[column].count }.max() ?? 0 }
        for row in [headers] + rows {
            print(
                row.enumerated().map { column, cell in cell.padding(toLength: widths[column], withPad: " ", startingAt: 0) }
                    .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
            )
        }
    }

    /// `key: value` lines.
    static func fields(_ pairs: [(String, String)]) {
        let pairs = pairs.map { ($0.0, TextRules.escaped($0.1)) }
        let width = pairs.map(\.0.count).max() ?? 0
        for (key, value) in pairs { print("\(key.padding(toLength: width, withPad: " ", startingAt: 0))  \(value)") }
    }

    static func date(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle()) }

    static func warn(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    /// Runs `body`, turning client errors into messages that say what to do next.
    static func guarded(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as SignetClientError where error.errorType == .policyPending {
            let change = error.pendingChange
            throw HeldForApproval(
                description: change.flatMap { change in
                    change.approvalId.map { id in
                        var text = "Held for approval by a policy: approval \(id) (\(change.kind) \(change.operationKind) \(change.entityId)); approvers run signet approvals approve \(id)"
                        if case .token = change.body { text += "; once approved, you receive it with signet approvals claim \(id)" }
                        return text
                    }
                } ?? "Held for approval by a policy; see signet approvals list"
            )
        } catch let error as SignetClientError {
            throw CommandFailure(advice(for: error))
        } catch let error as KeySigner.Failure {
            throw CommandFailure("\(error)")
        }
    }

    static func advice(for error: SignetClientError) -> String {
        switch (error.errorType, error.status) {
        case (.server, 401):
            return "\(error.message ?? "") (HTTP 401): the token is not accepted; run signet login again, or check SIGNET_TOKEN"
        case (.server, 403) where error.operation != nil:
            let operation = error.operation ?? ""
            return "\(error.message ?? "") (HTTP 403): a role with \(operation) is needed; see what grants it with signet can \(operation)"
        case (.server, 403):
            return
                "\(error.message ?? "") (HTTP 403): check the key that signs (SIGNET_PRIVATE_KEY, SIGNET_CREDENTIAL_ID; signet whoami shows the token) and try again"
        case (.server, 404):
            return "\(error.message ?? "") (HTTP 404): check the id; the list commands show what exists"
        case (.transport, _):
            return "the server could not be reached (\(error.detail ?? "")); is it running at the URL given to signet login (or SIGNET_URL)?"
        default:
            return error.description
        }
    }
}

/// A client command: runs against the current profile with friendly errors.
protocol ClientCommand: AsyncParsableCommand {
    var options: ClientOptions { get }
    func run(client: SignetClient) async throws
}

extension ClientCommand {
    func run() async throws {
        try await Output.guarded { try await run(client: try await options.client()) }
    }
}
