import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOConcurrencyHelpers
import SignetAPI
import SignetCore
import SignetServer
import SignetTestFixtures
import Testing

/// What reaches the log: never a secret a URL carries, never a raw control character.
@Suite("Log safety")
struct LogSafetyTests {
    /// Runs `body` against a server whose log lines (escaped as `signet serve` escapes them) land in the returned box.
    static func withCapturedLog(
        json: Bool,
        _ body: @Sendable (TestServer, APIClient) async throws -> Void
    ) async throws -> [String] {
        let lines = NIOLockedValueBox<[String]>([])
        let inner: any LogHandler =
            json
            ? JSONLogHandler(label: "signet", write: { bytes in lines.withLockedValue { $0.append(String(decoding: bytes, as: UTF8.self)) } })
            : CapturingLogHandler(lines: lines)
        var logger = Logger(label: "signet") { _ in EscapingLogHandler(inner) }
        logger.logLevel = .trace
        var configuration = ServerConfiguration()
        configuration.relyingParty = try RelyingParty(id: "localhost", name: "Signet", origins: ["http://localhost:8080"])
        let server = try await TestServer.make(.sqlite, configuration: configuration)
        do {
            let app = try await buildApplication(configuration: configuration, store: server.store, logger: logger)
            try await app.test(.router) { client in try await body(server, APIClient(client: client)) }
            try await server.close()
        } catch {
            try? await server.close()
            throw error
        }
        return lines.withLockedValue { $0 }
    }

    @Test("The setup link's one-time code never reaches the log (only the query's keys do)", arguments: [false, true])
    func setupCodeNotLogged(json: Bool) async throws {
        let code = NIOLockedValueBox("")
        let lines = try await Self.withCapturedLog(json: json) { server, api in
            let admin = try await server.admin(api)
            let person = try await RegistrationTests.invite(api, as: admin, email: "logged@example.com")
            let secret = try #require(person.registrationCode)
            code.withLockedValue { $0 = secret }
            let page = try await api.send(.get, "/setup?org=\(server.orgId)&username=logged%40example.com&code=\(secret)")
            #expect(page.status == .ok)
            #expect(try await RegistrationTests.initiate(api, server: server, email: "logged@example.com", code: secret).status == .ok)
            #expect(try await api.send(.get, "/auth/pats?paginationToken=\(secret)&limit=1", token: admin.token).status != .internalServerError)
        }
        let secret = code.withLockedValue { $0 }
        #expect(!secret.isEmpty && lines.contains { $0.contains("/setup") && $0.contains("code") })
        #expect(!lines.contains { $0.contains(secret) }, "the registration code reached the log")
    }

    @Test("Every C0 character and DEL, in a field name, a value or a header, is escaped in every log line", arguments: [false, true])
    func controlCharactersEscaped(json: Bool) async throws {
        let lines = try await Self.withCapturedLog(json: json) { server, api in
            for scalar in Array(0x00...0x1F) + [0x7F] {
                let character = String(Character(Unicode.Scalar(UInt8(scalar))))
                let escapedJSON = String(format: "\\u%04x", scalar)
                let injected = #"{"\#(escapedJSON)[2J\n<fake line>":1,"username":"a\#(escapedJSON)b","orgId":"\#(escapedJSON)"}"#
                let reply = try await api.send(
                    .post,
                    "/auth/registration/init",
                    body: injected,
                    headers: ["X-Test": "a\(character)b", "X-Request-Id": "r\(character)1"]
                )
                #expect(reply.status == .badRequest, "U+\(scalar): \(reply.status)")
                // A value the refusal quotes (an enum's invalid value), so it reaches the log line.
                let value = #"{"challengeIdentifier":"c","firstFactor":{"kind":"zq\#(escapedJSON)[2J\n<fake line>zq"}}"#
                let quoted = try await api.send(.post, "/auth/login", body: value)
                #expect(quoted.status == .badRequest && quoted.errorMessage?.contains("zq") == true, "U+\(scalar): \(quoted.body)")
                // A backslash sequence that would read as an escaped newline once logged.
                _ = try await api.send(.post, "/auth/registration/init", body: #"{"\\u{A}forged":1}"#)
            }
            _ = server
        }
        #expect(lines.contains { $0.contains("unknown field") }, "the refusals were logged")
        #expect(lines.filter { $0.contains("zq") && $0.contains("fake line") }.count >= 33, "each quoted value reached a log line")
        #expect(!lines.contains { $0.contains(#"\u{A}forged"#) && !$0.contains(#"\\u{A}forged"#) }, "a literal backslash was not doubled")
        for line in lines {
            let body = json ? String(line.dropLast()) : line  // the JSON handler ends each line with one newline
            #expect(!body.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "a raw control character in: \(line.debugDescription)")
            if json { #expect((try? JSONSerialization.jsonObject(with: Data(body.utf8))) != nil, "not one JSON object: \(line)") }
        }
    }

    @Test("The handler's own metadata and its provider's are escaped when written, and merged with the line's (the line's wins)")
    func ownMetadataEscapedWhenWritten() throws {
        let lines = NIOLockedValueBox<[String]>([])
        var handler = EscapingLogHandler(CapturingLogHandler(lines: lines))
        handler.logLevel = .trace
        handler[metadataKey: "request\u{1B}"] = "r\u{A}1"
        handler.metadata["shared"] = "handler"
        handler.metadataProvider = Logger.MetadataProvider { ["provided": "p\u{7F}", "shared": "provider"] }
        #expect(handler[metadataKey: "request\u{1B}"] == "r\u{A}1", "kept as given until written")
        var logger = Logger(label: "signet") { _ in handler }
        logger.logLevel = .trace
        logger.info("one", metadata: ["line": "l\\n"])
        logger.info("two", metadata: ["shared": "line"])
        let written = lines.withLockedValue { $0 }
        #expect(written.count == 2)
        let first = try #require(written.first)
        #expect(first.contains(#"request\u{1B}=r\u{A}1"#), "\(first)")
        #expect(first.contains(#"provided=p\u{7F}"#) && first.contains(#"line=l\\n"#) && first.contains("shared=provider"), "\(first)")
        #expect(written.last?.contains("shared=line") == true, "\(written)")
        for line in written { #expect(!line.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "\(line.debugDescription)") }
    }
}
