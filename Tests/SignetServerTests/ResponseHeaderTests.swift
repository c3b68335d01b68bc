import Foundation
import HTTPTypes
import HummingbirdTesting
import SignetAPI
import SignetServer
import SignetTestFixtures
import Testing

@Suite("Response headers: request ids and token expiry")
struct ResponseHeaderTests {
    static let requestId = HTTPField.Name("X-Request-Id")!
    static let expiration = HTTPField.Name("Signet-Token-Expiration")!

    @Test("Every answer has an X-Request-Id: the caller's when well formed, else Signet's own")
    func requestIds() async throws {
        try await TestServer.with(.sqlite) { _, api in
            let plain = try await api.client.execute(uri: "/healthz", method: .get, headers: [:], body: nil)
            #expect((plain.headers[Self.requestId] ?? "").isEmpty == false)
            let mine = try await api.client.execute(uri: "/healthz", method: .get, headers: [Self.requestId: "trace-42.a_b"], body: nil)
            #expect(mine.headers[Self.requestId] == "trace-42.a_b")
            for bad in ["has space", String(repeating: "x", count: 129), "new\u{7F}line"] {
                let answer = try await api.client.execute(uri: "/healthz", method: .get, headers: [Self.requestId: bad], body: nil)
                #expect(answer.headers[Self.requestId] != bad && answer.headers[Self.requestId]?.isEmpty == false)
            }
            let refused = try await api.client.execute(uri: "/auth/whoami", method: .get, headers: [Self.requestId: "r-1"], body: nil)
            #expect(refused.status == .unauthorized && refused.headers[Self.requestId] == "r-1")
        }
    }

    @Test("Answers to a token carry Signet-Token-Expiration (GitHub's form), refusals included")
    func tokenExpiration() async throws {
        try await TestServer.with(.sqlite) { server, api in
            let admin = try await server.admin(api)
            let (_, pat) = try await api.createPat(as: admin, secondsValid: 3600)
            let expected = Date().addingTimeInterval(3600)
            let answer = try await api.client.execute(uri: "/auth/whoami", method: .get, headers: [.authorization: "Bearer \(pat.token)"], body: nil)
            let value = try #require(answer.headers[Self.expiration])
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
            let date = try #require(formatter.date(from: value), "\(value)")
            #expect(abs(date.timeIntervalSince(expected)) < 60)
            let refused = try await api.client.execute(uri: "/auth/users", method: .post, headers: [.authorization: "Bearer \(pat.token)"], body: nil)
            #expect(refused.status == .forbidden && refused.headers[Self.expiration] == value)
            let anonymous = try await api.client.execute(uri: "/healthz", method: .get, headers: [:], body: nil)
            #expect(anonymous.headers[Self.expiration] == nil)
        }
    }
}
