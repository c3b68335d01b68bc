import Foundation
import SignetAPI
import SignetCore

/// Signet's OpenAPI 3.1 document, served at `GET /openapi.json` and kept in `docs/openapi.json`.
///
/// It is built from the endpoint catalogue (``Endpoints/all``: the router's routes, which
/// `EndpointCatalogueTests` holds to it) and from each route's body and response types, whose
/// schemas ``SchemaRegistry`` reads from the decoders the server itself runs. Nothing in it is
/// written twice: a route, field or type added to the code is in the document.
enum OpenAPIDocument {
    /// The document, and the types whose schemas could not be read (a test requires none).
    static func build() -> (document: JSONValue, failures: [String]) {
        let registry = SchemaRegistry()
        var paths: [String: [String: JSONValue]] = [:]
        for rule in Endpoints.all {
            paths["\(rule.path)", default: [:]][rule.method.rawValue.lowercased()] = operation(rule, registry: registry)
        }
        let error = registry.schema(for: ErrorResponse.self)
        // Named only inside ChangeRequestBody's own oneOf, so registered here.
        _ = registry.schema(for: HeldGatewayRequest.self)
        _ = registry.schema(for: HeldTokenRequest.self)
        _ = registry.schema(for: ServiceAccount.self)
        let document = JSONValue.object([
            "openapi": .string("3.1.0"),
            "info": .object([
                "title": .string("Signet"),
                "version": .string("1.0.0"),
                "description": .string(description),
            ]),
            "paths": .object(paths.mapValues { .object($0) }),
            "components": .object([
                "schemas": .object(registry.components),
                "responses": .object([
                    "Error": .object([
                        "description": .string("Refused: the Dfns error envelope, with Signet's stable `id` of the refusal"),
                        "content": .object(["application/json": .object(["schema": error])]),
                    ])
                ]),
                "securitySchemes": .object([
                    "bearer": .object([
                        "type": .string("http"), "scheme": .string("bearer"),
                        "description": .string("A login session, a PAT or a service account's token"),
                    ])
                ]),
            ]),
        ])
        return (document, registry.failures)
    }

    /// The document as served: JSON with sorted keys, two-space indented.
    static func data() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return (try? encoder.encode(EncodableJSON(build().document))) ?? Data("{}".utf8)
    }

    private static let description = """
        Signet's HTTP API, wire-compatible with the Dfns Auth API. A signed route (`x-signet-signed`) \
        needs `X-DFNS-USERACTION`: the token of `POST /auth/action`, or a Fast Auth assertion \
        (docs/api.md). `x-signet-operation` is the operation the caller must hold (user ∩ token). \
        Gateway routes are the deployment's own and are not listed here.
        """

    private static func operation(_ rule: EndpointRule, registry: SchemaRegistry) -> JSONValue {
        var operation: [String: JSONValue] = [
            "operationId": .string(rule.name),
            "summary": .string(rule.route),
            "tags": .array([.string(tag(rule))]),
            "responses": OpenAPIRoutes.responses(rule, registry: registry),
            "x-signet-signed": .bool(rule.signed),
            "x-signet-callers": .string(rule.callers.rawValue),
            "x-signet-rate": .string(rule.rate.rawValue),
        ]
        var words: [String] = []
        if let required = rule.operation {
            operation["x-signet-operation"] = .string(required)
            words.append("Requires `\(required)`.")
        }
        if rule.signed { words.append("A signed user action (`X-DFNS-USERACTION`).") }
        if let note = rule.note { words.append("Also: \(note).") }
        if !words.isEmpty { operation["description"] = .string(words.joined(separator: " ")) }
        operation["security"] = rule.callers == .anyone ? .array([]) : .array([.object(["bearer": .array([])])])
        let parameters = OpenAPIRoutes.parameters(rule)
        if !parameters.isEmpty { operation["parameters"] = .array(parameters) }
        if let body = OpenAPIRoutes.requestBody(rule, registry: registry) { operation["requestBody"] = body }
        return .object(operation)
    }

    /// The first segment of the route (`auth`'s second): `pats`, `users`, `webhooks`…
    private static func tag(_ rule: EndpointRule) -> String {
        let segments = "\(rule.path)".split(separator: "/").filter { !$0.hasPrefix("{") }
        let first = segments.first.map(String.init) ?? "signet"
        return first == "auth" && segments.count > 1 ? String(segments[1]) : first
    }
}

/// A ``JSONValue`` written by `JSONEncoder`.
struct EncodableJSON: Encodable {
    let value: JSONValue

    init(_ value: JSONValue) { self.value = value }

    func encode(to encoder: any Encoder) throws {
        switch value {
        case .object(let members):
            var container = encoder.container(keyedBy: AnyKey.self)
            for (key, member) in members { try container.encode(EncodableJSON(member), forKey: AnyKey(key)) }
        case .array(let elements):
            var container = encoder.unkeyedContainer()
            for element in elements { try container.encode(EncodableJSON(element)) }
        default:
            var container = encoder.singleValueContainer()
            switch value {
            case .null: try container.encodeNil()
            case .bool(let flag): try container.encode(flag)
            case .string(let text): try container.encode(text)
            case .number(let text): try Int(text).map { try container.encode($0) } ?? container.encode(Double(text) ?? 0)
            case .object, .array: break
            }
        }
    }

    private struct AnyKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(_ key: String) { stringValue = key }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
