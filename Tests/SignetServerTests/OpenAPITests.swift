import Foundation
import HTTPTypes
import NIOConcurrencyHelpers
import NIOCore
import SignetAPI
import SignetCore
import SignetTestFixtures
import Testing

@testable import SignetServer

/// `GET /openapi.json` and `docs/openapi.json`: the document states the router's routes, and what
/// the server answers conforms to it.
@Suite("OpenAPI document")
struct OpenAPITests {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/openapi.json").standardized

    static func operation(_ document: JSONValue, _ rule: EndpointRule) -> JSONValue? {
        document["paths"]?["\(rule.path)"]?[rule.method.rawValue.lowercased()]
    }

    static func parameterNames(_ operation: JSONValue?, in location: String) -> [String] {
        guard case .array(let parameters)? = operation?["parameters"] else { return [] }
        return parameters.filter { $0["in"]?.stringValue == location }.compactMap { $0["name"]?.stringValue }
    }

    @Test("Its operations are the catalogue's routes, with their path parameters and headers, and every type's schema was read")
    func operationsAreTheCatalogue() throws {
        let (document, failures) = OpenAPIDocument.build()
        #expect(failures.isEmpty, "schemas not read: \(failures)")
        guard case .object(let paths)? = document["paths"] else { throw SchemaError.unsupported("no paths") }
        var routes: Set<String> = []
        var names: [String] = []
        for (path, item) in paths {
            guard case .object(let methods) = item else { continue }
            for (method, operation) in methods {
                routes.insert("\(method.uppercased()) \(path)")
                names.append(operation["operationId"]?.stringValue ?? "")
                let template = PathTemplate(stringLiteral: path).parameterNames
                #expect(Self.parameterNames(operation, in: "path").sorted() == template.sorted(), "\(method) \(path)")
            }
        }
        #expect(routes == Set(Endpoints.all.map(\.route)), "differ: \(routes.symmetricDifference(Endpoints.all.map(\.route)).sorted())")
        #expect(Set(names).count == names.count, "an operationId is used twice")
        for rule in Endpoints.all {
            let operation = Self.operation(document, rule)
            #expect(Self.parameterNames(operation, in: "header").contains("X-DFNS-USERACTION") == rule.signed, "\(rule.route)")
            #expect(operation?["x-signet-operation"]?.stringValue == rule.operation, "\(rule.route)")
            #expect((operation?["security"] == .array([])) == (rule.callers == .anyone), "\(rule.route)")
        }
    }

    @Test("Every $ref names a schema or response of the document")
    func referencesResolve() {
        let document = OpenAPIDocument.build().document
        var references: [String] = []
        func walk(_ value: JSONValue) {
            switch value {
            case .object(let members):
                if let reference = members["$ref"]?.stringValue { references.append(reference) }
                members.values.forEach(walk)
            case .array(let elements): elements.forEach(walk)
            default: break
            }
        }
        walk(document)
        #expect(references.count > 50)
        for reference in Set(references) {
            let parts = reference.split(separator: "/").dropFirst().map(String.init)
            let target = parts.reduce(Optional(document)) { $0?[$1] }
            #expect(target != nil, "\(reference) resolves to nothing")
        }
    }

    @Test("A request's schema requires what its decoder requires and refuses the fields it refuses, as the server does")
    func requestSchemasMatchTheDecoder() async throws {
        let document = OpenAPIDocument.build().document
        let validator = SchemaValidator(document: document)
        let schema = JSONValue.object(["$ref": .string("#/components/schemas/CreatePermissionRequest")])
        let good = #"{"name":"auditors","operations":["Auth:Logs:Read"]}"#
        let missing = #"{"name":"auditors"}"#
        let extra = #"{"name":"auditors","operations":["Auth:Logs:Read"],"admin":true}"#
        let wrongType = #"{"name":"auditors","operations":"Auth:Logs:Read"}"#
        #expect(validator.problems(try JSONValue(parsing: good), against: schema).isEmpty)
        #expect(validator.problems(try JSONValue(parsing: missing), against: schema) == ["$: lacks required operations"])
        #expect(validator.problems(try JSONValue(parsing: extra), against: schema) == ["$: admin is not declared"])
        #expect(validator.problems(try JSONValue(parsing: wrongType), against: schema).count == 1)
        try await TestServer.with(.sqlite) { server, api in
            let admin = try await server.admin(api)
            #expect(try await api.signed(.post, "/permissions", as: admin, body: good).status == .ok)
            for refused in [missing, extra, wrongType] {
                #expect(try await api.signed(.post, "/permissions", as: admin, body: refused).status == .badRequest, "\(refused)")
            }
        }
    }

    @Test("Every JSON body's schema accepts an empty object exactly when its decoder does (required fields agree)")
    func requiredFieldsAgree() throws {
        let document = OpenAPIDocument.build().document
        let validator = SchemaValidator(document: document)
        func decodes<T: Decodable>(_ type: T.Type) -> Bool { (try? SignetJSON.decoder().decode(T.self, from: Data("{}".utf8))) != nil }
        var checked = 0
        for rule in Endpoints.all {
            guard let type = rule.bodyModel.type as? any Decodable.Type, !(rule.bodyModel.type is NoBody.Type),
                let schema = Self.operation(document, rule)?["requestBody"]?["content"]?["application/json"]?["schema"]
            else { continue }
            let schemaAccepts = validator.problems(.object([:]), against: schema).isEmpty
            #expect(schemaAccepts == decodes(type), "\(rule.route): the schema \(schemaAccepts ? "accepts" : "refuses") {}, the decoder does not")
            checked += 1
        }
        #expect(checked > 30)
        let explain = Self.operation(document, try #require(Endpoints.all.first { $0.name == "explain" }))
        guard case .array(let parameters)? = explain?["parameters"] else { throw SchemaError.unsupported("no parameters") }
        #expect(parameters.contains { $0["name"] == .string("operation") && $0["required"] == .bool(true) })
    }

    @Test("Served at /openapi.json without a token, and docs/openapi.json is the same document")
    func servedAndKept() async throws {
        let data = OpenAPIDocument.data()
        if ProcessInfo.processInfo.environment["SIGNET_REGENERATE_DOCS"] == "1" {
            try (data + Data("\n".utf8)).write(to: Self.file)
        }
        let kept = try Data(contentsOf: Self.file)
        #expect(
            kept == data + Data("\n".utf8),
            "docs/openapi.json differs from the code: SIGNET_REGENERATE_DOCS=1 swift test --filter OpenAPITests"
        )
        try await TestServer.with(.sqlite) { _, api in
            let reply = try await api.send(.get, "/openapi.json")
            #expect(reply.status == .ok)
            #expect(reply.headers[.contentType] == "application/json")
            #expect(Data(reply.body.utf8) == data)
            #expect(try JSONValue(parsing: reply.body)["openapi"] == .string("3.1.0"))
        }
    }
}
