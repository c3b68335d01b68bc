import SignetCore

/// Checks a JSON value against the JSON Schema subset Signet's OpenAPI document uses (`$ref`,
/// `type`, `properties`, `required`, `additionalProperties`, `items`, `enum`, `anyOf`, `oneOf`),
/// as schemathesis would, so a Swift test sees a response that breaks the document.
struct SchemaValidator {
    /// The document whose `components.schemas` resolve `$ref`s.
    let document: JSONValue

    /// Every way `value` breaks `schema`, each with its JSON path; empty when it conforms.
    func problems(_ value: JSONValue, against schema: JSONValue, at path: String = "$") -> [String] {
        if let reference = schema["$ref"]?.stringValue {
            guard let resolved = resolve(reference) else { return ["\(path): unresolved \(reference)"] }
            return problems(value, against: resolved, at: path)
        }
        if case .array(let options)? = schema["anyOf"] ?? schema["oneOf"] {
            let passing = options.filter { problems(value, against: $0, at: path).isEmpty }.count
            let exactlyOne = schema["oneOf"] != nil
            if exactlyOne ? passing == 1 : passing >= 1 { return [] }
            return ["\(path): matches \(passing) of the \(options.count) alternatives"]
        }
        if case .array(let allowed)? = schema["enum"], !allowed.contains(value) {
            return ["\(path): \(value) is not one of \(allowed)"]
        }
        if let type = schema["type"]?.stringValue, !Self.has(type: type, value) {
            return ["\(path): expected \(type), got \(value)"]
        }
        return objectProblems(value, schema, path) + arrayProblems(value, schema, path)
    }

    private func objectProblems(_ value: JSONValue, _ schema: JSONValue, _ path: String) -> [String] {
        guard case .object(let members) = value else { return [] }
        var found: [String] = []
        if case .array(let required)? = schema["required"] {
            for case .string(let key) in required where members[key] == nil { found.append("\(path): lacks required \(key)") }
        }
        let properties: [String: JSONValue]
        if case .object(let declared)? = schema["properties"] { properties = declared } else { properties = [:] }
        for (key, member) in members {
            if let property = properties[key] {
                found += problems(member, against: property, at: "\(path).\(key)")
            } else if schema["additionalProperties"] == .bool(false) {
                found.append("\(path): \(key) is not declared")
            } else if let extra = schema["additionalProperties"], extra.objectKeys != nil {
                found += problems(member, against: extra, at: "\(path).\(key)")
            }
        }
        return found
    }

    private func arrayProblems(_ value: JSONValue, _ schema: JSONValue, _ path: String) -> [String] {
        guard case .array(let elements) = value, let items = schema["items"] else { return [] }
        return elements.enumerated().flatMap { problems($1, against: items, at: "\(path)[\($0)]") }
    }

    private func resolve(_ reference: String) -> JSONValue? {
        let prefix = "#/components/schemas/"
        guard reference.hasPrefix(prefix) else { return nil }
        return document["components"]?["schemas"]?[String(reference.dropFirst(prefix.count))]
    }

    private static func has(type: String, _ value: JSONValue) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null), ("number", .number): true
        case ("integer", .number(let text)): !text.contains(".") && !text.lowercased().contains("e")
        default: false
        }
    }
}
