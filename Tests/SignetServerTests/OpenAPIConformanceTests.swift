import Foundation
import HTTPTypes
import NIOConcurrencyHelpers
import NIOCore
import SignetAPI
import SignetCore
import SignetTestFixtures
import Testing

@testable import SignetServer

/// Every answer of a tour of the API, successes and refusals, conforms to the OpenAPI document:
/// schemathesis's check, in-process.
@Suite("OpenAPI conformance")
struct OpenAPIConformanceTests {
    /// One request and its answer.
    struct Exchange: Sendable {
        let method: String
        let uri: String
        let status: Int
        let contentType: String?
        let body: String
    }

    /// Passes requests on and keeps every exchange.
    struct RecordingSender: RequestSender {
        let inner: any RequestSender
        let exchanges = NIOLockedValueBox<[Exchange]>([])

        func execute(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> RawReply {
            let reply = try await inner.execute(uri: uri, method: method, headers: headers, body: body)
            let exchange = Exchange(
                method: method.rawValue,
                uri: uri,
                status: Int(reply.status.code),
                contentType: reply.headers[.contentType],
                body: String(buffer: reply.body)
            )
            exchanges.withLockedValue { $0.append(exchange) }
            return reply
        }
    }

    /// The catalogue entry serving `method uri`: literal segments before parameters.
    static func rule(_ method: String, _ uri: String) -> EndpointRule? {
        let segments = uri.split(separator: "?").first.map { $0.split(separator: "/").map(String.init) } ?? []
        let candidates = Endpoints.all.filter { rule in
            let template = "\(rule.path)".split(separator: "/").map(String.init)
            return rule.method.rawValue == method && template.count == segments.count
                && zip(template, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }
        return candidates.max { $0.path.parameterNames.count > $1.path.parameterNames.count }
    }

    /// Why an answer does not conform to its operation in `document`; empty when it does.
    static func problems(_ exchange: Exchange, document: JSONValue) throws -> [String] {
        guard let rule = rule(exchange.method, exchange.uri) else { return ["no route for \(exchange.method) \(exchange.uri)"] }
        let responses = OpenAPITests.operation(document, rule)?["responses"]
        var response = responses?["\(exchange.status)"] ?? responses?["default"]
        if let reference = response?["$ref"]?.stringValue {
            response = reference.split(separator: "/").dropFirst().reduce(Optional(document)) { $0?[String($1)] }
        }
        guard let response else { return ["\(rule.route): status \(exchange.status) is not documented"] }
        guard let content = response["content"] else {
            return exchange.body.isEmpty ? [] : ["\(rule.route): \(exchange.status) has a body the document does not describe"]
        }
        let type = exchange.contentType?.split(separator: ";").first.map(String.init) ?? ""
        guard let schema = content[type]?["schema"] else { return ["\(rule.route): \(exchange.status) answered \(type), not documented"] }
        guard type == "application/json" else { return [] }
        let found = SchemaValidator(document: document).problems(try JSONValue(parsing: exchange.body), against: schema)
        return found.map { "\(rule.route) \(exchange.status): \($0)" }
    }

    @Test("Successes and refusals across the API conform to the document, and a broken answer would not")
    func tourConforms() async throws {
        let document = OpenAPIDocument.build().document
        try await TestServer.with(.sqlite) { server, plain in
            let recorder = RecordingSender(inner: plain.client)
            let api = APIClient(sender: recorder)
            try await Self.tour(api, server: server)
            let exchanges = recorder.exchanges.withLockedValue { $0 }
            #expect(exchanges.count > 40)
            let routes = Set(exchanges.compactMap { Self.rule($0.method, $0.uri)?.route })
            #expect(routes.count >= 30, "the tour reached \(routes.count) routes")
            for exchange in exchanges {
                let found = try Self.problems(exchange, document: document)
                #expect(found.isEmpty, "\(exchange.method) \(exchange.uri): \(found)")
            }
            // The check can fail: a token without its required fields, an error with a wrong type.
            let broken = Exchange(method: "GET", uri: "/auth/pats/x", status: 200, contentType: "application/json", body: #"{"name":"x"}"#)
            #expect(try Self.problems(broken, document: document).contains { $0.contains("lacks required tokenId") })
            let badError = Exchange(method: "GET", uri: "/auth/pats/x", status: 404, contentType: "application/json", body: #"{"error":{"status":"404"}}"#)
            #expect(try Self.problems(badError, document: document).count == 2)
        }
    }

    /// Requests across the API's resources, as an administrator would make them.
    static func tour(_ api: APIClient, server: TestServer) async throws {
        let admin = try await server.admin(api)
        for path in ["/healthz", "/.well-known/jwks.json", "/auth/whoami", "/auth/pats", "/auth/users", "/permissions", "/auth/service-accounts"] {
            _ = try await api.send(.get, path, token: admin.token)
        }
        for path in ["/auth/action/logs", "/auth/tokens?state=active", "/auth/organization/settings", "/auth/credentials", "/auth/user-groups"] {
            _ = try await api.send(.get, path, token: admin.token)
        }
        _ = try await api.send(.get, "/webhooks", token: admin.token)
        _ = try await api.send(.get, "/auth/permissions/explain?operation=Auth:Pats:Create", token: admin.token)
        let (pat, patIdentity) = try await api.createPat(as: admin, name: "tour")
        _ = try await api.send(.get, "/auth/pats/\(pat.tokenId)", token: admin.token)
        _ = try await api.signed(.put, "/auth/pats/\(pat.tokenId)", as: patIdentity, body: #"{"name":"renamed"}"#)
        _ = try await api.send(.get, "/auth/whoami", token: patIdentity.token)
        let role = try await api.createRole(as: admin, operations: ["Auth:Logs:Read"])
        _ = try await api.send(.get, "/permissions/\(role.id)", token: admin.token)
        let (user, _) = try await api.createUser(as: admin, email: "tour@example.com")
        let assignment = try await api.assign(role.id, to: user.userId, as: admin)
        _ = try await api.send(.get, "/permissions/\(role.id)/assignments", token: admin.token)
        _ = try await api.send(.get, "/auth/users/\(user.userId)", token: admin.token)
        _ = try await api.send(.get, "/auth/users/\(user.userId)/pats", token: admin.token)
        _ = try await api.signed(.delete, "/permissions/\(role.id)/assignments/\(assignment.id)", as: admin)
        let (account, _) = try await api.createServiceAccount(as: admin)
        _ = try await api.send(.get, "/auth/service-accounts/\(account.userInfo.userId)", token: admin.token)
        let group = try await api.signed(.post, "/auth/user-groups", as: admin, body: #"{"name":"tourists"}"#)
        if let groupId = try JSONValue(parsing: group.body)["id"]?.stringValue {
            _ = try await api.send(.get, "/auth/user-groups/\(groupId)/members", token: admin.token)
        }
        let hook = try await api.signed(.post, "/webhooks", as: admin, body: #"{"url":"http://127.0.0.1:9/hook","events":["token.created"]}"#)
        if let hookId = try JSONValue(parsing: hook.body)["id"]?.stringValue {
            _ = try await api.send(.get, "/webhooks/\(hookId)/events", token: admin.token)
        }
        _ = try await api.send(.get, "/auth/action/logs?format=csv", token: admin.token)
        _ = try await api.send(.get, "/auth/action/logs", token: admin.token)
        _ = try await api.send(.get, "/auth/audit/export", token: admin.token)
        // Refusals: no token, an unknown id, a bad query, an unsigned change, a malformed body.
        _ = try await api.send(.get, "/auth/whoami")
        _ = try await api.send(.get, "/auth/pats/to-nothing", token: admin.token)
        _ = try await api.send(.get, "/auth/users?limit=0", token: admin.token)
        _ = try await api.send(.post, "/auth/pats", token: admin.token, body: "{}")
        _ = try await api.send(.post, "/auth/login/init", body: "[")
        _ = try await api.signed(.put, "/auth/organization/settings", as: admin, body: #"{"maximumPatLifetimeDays":30}"#)
    }
}
