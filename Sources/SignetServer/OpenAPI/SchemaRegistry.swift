import Foundation
import SignetAPI
import SignetCore

/// A type whose JSON Schema is written out rather than read from its `Decodable` conformance: its
/// decoder reads one JSON type or another, or validates what it reads.
protocol OpenAPISchemaDescribed: Decodable {
    /// Its schema.
    static var openAPISchema: JSONValue { get }
    /// Any value, handed to the decoder that asked for one while the schema was being read.
    static var openAPIPlaceholder: Self { get }
}

/// JSON Schemas read from `Decodable` types. Decoding a type with ``SchemaDecoder`` runs its
/// `init(from:)`, which asks for each key it reads with `decode` (required) or `decodeIfPresent`
/// (optional) and the key's type, so the schema is the one the server's decoder applies, never a
/// second description kept beside it. Named types become entries of ``components`` and `$ref`s.
final class SchemaRegistry {
    /// The named schemas (`components.schemas`), by the name of their Swift type.
    private(set) var components: [String: JSONValue] = [:]
    /// Types whose `init(from:)` refused the placeholder values: their schemas are incomplete.
    /// A test requires none; such a type conforms to ``OpenAPISchemaDescribed``.
    private(set) var failures: [String] = []
    private var inProgress: Set<String> = []
    private var depth = 0

    /// The schema of `type` (a `$ref` for a named type).
    func schema(for type: any Decodable.Type) -> JSONValue {
        do {
            return try record(type).schema
        } catch {
            failures.append("\(type): \(error)")
            return .object([:])
        }
    }

    /// The schema of `type`, and a value of it for the decoder that asked.
    func record<T: Decodable>(_ type: T.Type) throws -> (schema: JSONValue, value: T) {
        if let described = T.self as? any OpenAPISchemaDescribed.Type {
            return (described.openAPISchema, try Self.cast(described.openAPIPlaceholder))
        }
        if let scalar = try Self.scalar(T.self) { return scalar }
        if let enumeration = T.self as? any (CaseIterable & RawRepresentable).Type {
            let (schema, first) = Self.cases(enumeration)
            return (schema, try Self.cast(first))
        }
        if let container = T.self as? any SchemaContainerType.Type {
            return (container.containerSchema(self), try T(from: SchemaDecoder(registry: self, builder: SchemaBuilder())))
        }
        return try named(T.self)
    }

    private func named<T: Decodable>(_ type: T.Type) throws -> (schema: JSONValue, value: T) {
        depth += 1
        defer { depth -= 1 }
        guard depth < 32 else { throw SchemaError.tooDeep(String(describing: T.self)) }
        let name = Self.componentName(T.self)
        let reference = JSONValue.object(["$ref": .string("#/components/schemas/\(name)")])
        guard components[name] == nil, !inProgress.contains(name) else {
            return (reference, try T(from: SchemaDecoder(registry: self, builder: SchemaBuilder())))
        }
        inProgress.insert(name)
        defer { inProgress.remove(name) }
        let builder = SchemaBuilder()
        builder.closed = T.self is any KnownFields.Type
        do {
            let value = try T(from: SchemaDecoder(registry: self, builder: builder))
            components[name] = builder.schema
            return (reference, value)
        } catch {
            components[name] = builder.schema
            throw error
        }
    }

    /// `ListResponse<AccessToken>` → `ListResponse_AccessToken`, `AuditRecord.Credential` kept
    /// apart from `Credential` (component names allow `[A-Za-z0-9._-]`).
    static func componentName(_ type: Any.Type) -> String {
        let qualified = String(reflecting: type).replacingOccurrences(of: "SignetAPI.", with: "")
        return String(qualified.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" })
            .trimmingCharacters(in: CharacterSet(charactersIn: "_"))
    }

    private static func scalar<T>(_ type: T.Type) throws -> (schema: JSONValue, value: T)? {
        func typed(_ name: String, _ value: Any, format: String? = nil) throws -> (schema: JSONValue, value: T) {
            var schema: [String: JSONValue] = ["type": .string(name)]
            if let format { schema["format"] = .string(format) }
            return (.object(schema), try cast(value))
        }
        switch T.self {
        case is String.Type: return try typed("string", "")
        case is Bool.Type: return try typed("boolean", false)
        case is Int.Type: return try typed("integer", 0)
        case is Int64.Type: return try typed("integer", Int64(0), format: "int64")
        case is UInt64.Type: return try typed("integer", UInt64(0))
        case is UInt32.Type: return try typed("integer", UInt32(0))
        case is Double.Type: return try typed("number", 0.0)
        case is Date.Type: return try typed("string", Date(timeIntervalSince1970: 0), format: "date-time")
        case is URL.Type: return try typed("string", URL(fileURLWithPath: "/"), format: "uri")
        default: return nil
        }
    }

    private static func cases<E: CaseIterable & RawRepresentable>(_ type: E.Type) -> (JSONValue, Any?) {
        let names = type.allCases.map { JSONValue.string("\($0.rawValue)") }
        let kind = E.RawValue.self == String.self ? "string" : "integer"
        let values = kind == "string" ? names : type.allCases.map { JSONValue.number("\($0.rawValue)") }
        return (.object(["type": .string(kind), "enum": .array(values)]), type.allCases.first)
    }

    static func cast<T>(_ value: Any?) throws -> T {
        guard let typed = value as? T else { throw SchemaError.noPlaceholder(String(describing: T.self)) }
        return typed
    }
}

/// Why a type's schema could not be read.
enum SchemaError: Error, CustomStringConvertible {
    case noPlaceholder(String)
    case tooDeep(String)
    case unsupported(String)

    var description: String {
        switch self {
        case .noPlaceholder(let type): "no placeholder value of \(type)"
        case .tooDeep(let type): "\(type) nests too deep (a type containing itself?)"
        case .unsupported(let what): "the recording decoder does not support \(what)"
        }
    }
}

/// What one type's `init(from:)` asked for: an object's properties, or a single value's schema.
final class SchemaBuilder {
    var properties: [String: JSONValue] = [:]
    var required: Set<String> = []
    /// Keys the decoder asked about with `contains`: optional, whatever it read them with.
    var checked: Set<String> = []
    var single: JSONValue?
    var isObject = false
    /// Whether other keys are refused (a ``KnownFields`` request).
    var closed = false

    var schema: JSONValue {
        if let single, !isObject { return single }
        var schema: [String: JSONValue] = ["type": .string("object"), "properties": .object(properties)]
        if closed { schema["additionalProperties"] = .bool(false) }
        if !required.isEmpty { schema["required"] = .array(required.sorted().map(JSONValue.string)) }
        return .object(schema)
    }
}

/// Arrays, sets, optionals and string-keyed dictionaries: schemas built from their element's.
protocol SchemaContainerType {
    static func containerSchema(_ registry: SchemaRegistry) -> JSONValue
}

extension Array: SchemaContainerType where Element: Decodable {
    static func containerSchema(_ registry: SchemaRegistry) -> JSONValue {
        .object(["type": .string("array"), "items": registry.schema(for: Element.self)])
    }
}

extension Set: SchemaContainerType where Element: Decodable {
    static func containerSchema(_ registry: SchemaRegistry) -> JSONValue {
        .object(["type": .string("array"), "items": registry.schema(for: Element.self), "uniqueItems": .bool(true)])
    }
}

extension Dictionary: SchemaContainerType where Key == String, Value: Decodable {
    static func containerSchema(_ registry: SchemaRegistry) -> JSONValue {
        .object(["type": .string("object"), "additionalProperties": registry.schema(for: Value.self)])
    }
}

extension Optional: SchemaContainerType where Wrapped: Decodable {
    static func containerSchema(_ registry: SchemaRegistry) -> JSONValue {
        SchemaBuilder.nullable(registry.schema(for: Wrapped.self))
    }
}

extension SchemaBuilder {
    /// `schema` or `null`.
    static func nullable(_ schema: JSONValue) -> JSONValue {
        .object(["anyOf": .array([schema, .object(["type": .string("null")])])])
    }
}

extension CreateCredentialCodeRequest: OpenAPISchemaDescribed {
    /// `expiration`: an ISO 8601 time, or a Unix time in seconds or milliseconds.
    static var openAPISchema: JSONValue {
        let time = JSONValue.object([
            "oneOf": .array([.object(["type": .string("string"), "format": .string("date-time")]), .object(["type": .string("number")])])
        ])
        return .object([
            "type": .string("object"), "properties": .object(["expiration": time]), "required": .array([.string("expiration")]),
            "additionalProperties": .bool(false),
        ])
    }

    static var openAPIPlaceholder: CreateCredentialCodeRequest { CreateCredentialCodeRequest(expiration: Date(timeIntervalSince1970: 0)) }
}

extension UpdateOrganizationSettingsRequest: OpenAPISchemaDescribed {
    /// `maximumPatLifetimeDays` is required; `null` removes the limit (its decoder checks the key's presence).
    static var openAPISchema: JSONValue {
        let days = SchemaBuilder.nullable(.object(["type": .string("integer"), "minimum": .number("1")]))
        return .object([
            "type": .string("object"), "properties": .object(["maximumPatLifetimeDays": days]),
            "required": .array([.string("maximumPatLifetimeDays")]), "additionalProperties": .bool(false),
        ])
    }

    static var openAPIPlaceholder: UpdateOrganizationSettingsRequest { UpdateOrganizationSettingsRequest(maximumPatLifetimeDays: nil) }
}

extension ChangeRequestBody: OpenAPISchemaDescribed {
    /// The assignment, permission or policy a held change would write, or a held gateway request.
    static var openAPISchema: JSONValue {
        .object([
            "oneOf": .array(["Assignment", "Permission", "Policy", "HeldGatewayRequest", "HeldTokenRequest"].map { .object(["$ref": .string("#/components/schemas/\($0)")]) })
        ])
    }

    static var openAPIPlaceholder: ChangeRequestBody {
        let date = Date(timeIntervalSince1970: 0)
        return .assignment(Assignment(id: "as", permissionId: "pm", identityId: "us", isImmutable: false, dateCreated: date, dateUpdated: date))
    }
}

extension ClaimedToken: OpenAPISchemaDescribed {
    /// The new PAT, or the new service account, with its token.
    static var openAPISchema: JSONValue {
        .object(["oneOf": .array(["AccessToken", "ServiceAccount"].map { .object(["$ref": .string("#/components/schemas/\($0)")]) })])
    }

    static var openAPIPlaceholder: ClaimedToken {
        let user = UserInfo(
            username: "",
            name: "",
            userId: "",
            kind: .customerEmployee,
            credentialUuid: "",
            orgId: "",
            permissions: nil,
            isActive: true,
            isServiceAccount: true,
            isRegistered: true,
            permissionAssignments: []
        )
        return .serviceAccount(ServiceAccount(userInfo: user, accessTokens: []))
    }
}
