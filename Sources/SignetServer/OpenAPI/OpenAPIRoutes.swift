import SignetAPI
import SignetCore

/// The parts of a route's OpenAPI operation that its catalogue entry and types do not state: its
/// query parameters, the bodies it parses itself (``RawBody``), and its answers.
enum OpenAPIRoutes {
    /// The routes that page (`limit`, `paginationToken`; ``Pagination``).
    static let paged: Set<String> = [
        "listAssignments", "listRoles", "listUserGroupMembers", "listUserGroups", "listUsers", "listWebhooks", "listWebhookEvents",
        "listTokens", "exportAuditLog",
    ]

    /// Each route's filters, as its controller reads them: name, JSON Schema type, words.
    static let filters: [String: [(name: String, schema: JSONValue, description: String)]] = [
        "listAuditLogs": [
            ("startTime", time, "records signed at or after this time"),
            ("endTime", time, "records signed before this time"),
            ("userId", text, "records of this user (`us-…`)"),
            ("format", choice(["json", "csv"]), "`csv` answers CSV, as `Accept: text/csv` does"),
        ],
        "listUsers": [("kind", choice(UserKind.allCases.map(\.rawValue)), "only users of this kind")],
        "explain": [
            ("operation", text, "the operation to explain (`Auth:Pats:Create`)"),
            ("identityId", text, "another identity to explain (needs Permissions:Read and Auth:Users:Read)"),
        ],
        "listTokens": [
            ("userId", text, "one user's tokens (`us-…`)"),
            ("kind", choice(["Pat", "ServiceAccount"]), "one kind of token"),
            ("state", choice(["active", "inactive", "expired"]), "one state"),
            ("expiringBefore", time, "tokens that stop working before this time"),
            ("unusedSince", time, "tokens not used since this time"),
            ("neverUsed", choice(["true", "false"]), "tokens never used"),
        ],
        "listWebhookEvents": [
            ("kind", text, "one event kind (`token.created`)"),
            ("deliveryFailed", choice(["true", "false"]), "only events whose delivery failed, or succeeded"),
        ],
    ]

    /// The filters a route refuses to answer without.
    static let requiredFilters: [String: Set<String>] = ["explain": ["operation"]]

    private static let text = JSONValue.object(["type": .string("string")])
    /// An ISO 8601 time or Unix seconds (``AuditLogService/date(_:field:)``).
    private static let time = JSONValue.object([
        "type": .string("string"), "description": .string("an ISO 8601 time (2026-01-31T00:00:00Z) or Unix seconds"),
    ])

    private static func choice(_ values: [String]) -> JSONValue {
        .object(["type": .string("string"), "enum": .array(values.map(JSONValue.string))])
    }

    /// Path parameters, query parameters and the user-action header.
    static func parameters(_ rule: EndpointRule) -> [JSONValue] {
        var parameters = rule.path.parameterNames.map { name in
            parameter(name, in: "path", required: true, schema: text, description: nil)
        }
        if paged.contains(rule.name) {
            let limit = JSONValue.object(["type": .string("integer"), "minimum": .number("1"), "maximum": .number("\(Pagination.maximumLimit)")])
            parameters.append(parameter("limit", in: "query", required: false, schema: limit, description: "at most this many items (100 unless given)"))
            parameters.append(parameter("paginationToken", in: "query", required: false, schema: text, description: "the previous page's `nextPageToken`"))
        }
        for filter in filters[rule.name] ?? [] {
            let required = requiredFilters[rule.name]?.contains(filter.name) ?? false
            parameters.append(parameter(filter.name, in: "query", required: required, schema: filter.schema, description: filter.description))
        }
        for name in rule.unsignedQuery.sorted() {
            parameters.append(parameter(name, in: "query", required: false, schema: choice(["true", "false"]), description: "not part of the signature"))
        }
        if rule.signed {
            let words = "the user action token of `POST /auth/action`, or a Fast Auth assertion signed for this request"
            parameters.append(parameter("X-DFNS-USERACTION", in: "header", required: true, schema: text, description: words))
        }
        return parameters
    }

    private static func parameter(_ name: String, in location: String, required: Bool, schema: JSONValue, description: String?) -> JSONValue {
        var parameter: [String: JSONValue] = [
            "name": .string(name), "in": .string(location), "required": .bool(required), "schema": schema,
        ]
        if let description { parameter["description"] = .string(description) }
        return .object(parameter)
    }

    /// The body: JSON of the route's type; a form for introspection; the type a ``RawBody``
    /// route's service parses.
    static func requestBody(_ rule: EndpointRule, registry: SchemaRegistry) -> JSONValue? {
        let content: [String: JSONValue]
        switch rule.name {
        case "introspect":
            let form = JSONValue.object([
                "type": .string("object"), "properties": .object(["token": text, "token_type_hint": text]),
                "required": .array([.string("token")]),
            ])
            content = ["application/x-www-form-urlencoded": .object(["schema": form])]
        case "verifyAction":
            content = ["application/json": .object(["schema": registry.schema(for: VerifyUserActionRequest.self)])]
        case "recover":
            content = ["application/json": .object(["schema": registry.schema(for: RecoverRequest.self)])]
        default:
            guard !(rule.bodyModel.type is NoBody.Type), let type = rule.bodyModel.type as? any Decodable.Type else { return nil }
            content = ["application/json": .object(["schema": registry.schema(for: type)])]
        }
        return .object(["required": .bool(!rule.bodyOptional), "content": .object(content)])
    }

    /// `200` with the response type (`204` for none), and the error envelope for every refusal.
    static func responses(_ rule: EndpointRule, registry: SchemaRegistry) -> JSONValue {
        var responses: [String: JSONValue] = ["default": .object(["$ref": .string("#/components/responses/Error")])]
        if Endpoints.heldByPolicies.contains(rule.name) {
            let schema = JSONValue.object(["schema": registry.schema(for: ChangeRequest.self)])
            responses["202"] = .object([
                "description": .string("Held for approval by a policy: the pending change request"),
                "content": .object(["application/json": schema]),
            ])
        }
        if rule.responseModel.type is NoBody.Type {
            responses["204"] = .object(["description": .string("Done; no body")])
            return .object(responses)
        }
        var content: [String: JSONValue]
        if let type = rule.responseModel.type as? any Decodable.Type {
            content = ["application/json": .object(["schema": registry.schema(for: type)])]
        } else {
            content = ["application/json": .object(["schema": .object(["type": .string("object")])])]
        }
        if rule.name == "listAuditLogs" { content["text/csv"] = .object(["schema": text]) }
        responses["200"] = .object(["description": .string("OK"), "content": .object(content)])
        return .object(responses)
    }
}
