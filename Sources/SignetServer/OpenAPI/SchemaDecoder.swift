/// A `Decoder` that reads no data: it records what a type's `init(from:)` asks for into a
/// ``SchemaBuilder`` and answers with placeholder values (see ``SchemaRegistry``).
struct SchemaDecoder: Decoder {
    let registry: SchemaRegistry
    let builder: SchemaBuilder
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        builder.isObject = true
        return KeyedDecodingContainer(SchemaKeyedContainer<Key>(registry: registry, builder: builder))
    }

    /// Always empty: arrays and sets take their schema from their element type (``SchemaContainerType``).
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { EmptyUnkeyedContainer() }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SchemaSingleValueContainer(registry: registry, builder: builder)
    }
}

/// The object's keys: `decode` makes a key required, `decodeIfPresent` optional (and nullable).
struct SchemaKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let registry: SchemaRegistry
    let builder: SchemaBuilder
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { [] }

    /// `true`, and the key is optional: a decoder that asks whether a key is there reads it only then.
    func contains(_ key: Key) -> Bool {
        builder.checked.insert(key.stringValue)
        return true
    }
    func decodeNil(forKey key: Key) throws -> Bool { false }

    private func field<T: Decodable>(_ type: T.Type, _ key: Key, required: Bool) throws -> T {
        let (schema, value) = try registry.record(type)
        let optional = !required || builder.checked.contains(key.stringValue)
        builder.properties[key.stringValue] = optional ? SchemaBuilder.nullable(schema) : schema
        if !optional { builder.required.insert(key.stringValue) }
        return value
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try field(type, key, required: true) }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try field(type, key, required: true) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try field(type, key, required: true) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try field(type, key, required: true) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { throw SchemaError.unsupported("Float") }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try field(type, key, required: true) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { throw SchemaError.unsupported("Int8") }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { throw SchemaError.unsupported("Int16") }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { throw SchemaError.unsupported("Int32") }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try field(type, key, required: true) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { throw SchemaError.unsupported("UInt") }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { throw SchemaError.unsupported("UInt8") }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { throw SchemaError.unsupported("UInt16") }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try field(type, key, required: true) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try field(type, key, required: true) }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? { try field(type, key, required: false) }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try field(type, key, required: false) }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try field(type, key, required: false) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try field(type, key, required: false) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try field(type, key, required: false) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try field(type, key, required: false) }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try field(type, key, required: false) }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try field(type, key, required: false) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        throw SchemaError.unsupported("nested keyed containers")
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw SchemaError.unsupported("nested unkeyed containers")
    }

    func superDecoder() throws -> any Decoder { throw SchemaError.unsupported("superDecoder") }
    func superDecoder(forKey key: Key) throws -> any Decoder { throw SchemaError.unsupported("superDecoder") }
}

/// A single value: its schema is the value's (a date's custom decoding, say).
struct SchemaSingleValueContainer: SingleValueDecodingContainer {
    let registry: SchemaRegistry
    let builder: SchemaBuilder
    var codingPath: [any CodingKey] { [] }

    /// `true`: an `Optional` read alone decodes as `nil` (its schema comes from ``SchemaContainerType``).
    func decodeNil() -> Bool { true }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (schema, value) = try registry.record(type)
        builder.single = schema
        return value
    }

    func decode(_ type: Bool.Type) throws -> Bool { try record(type) }
    func decode(_ type: String.Type) throws -> String { try record(type) }
    func decode(_ type: Double.Type) throws -> Double { try record(type) }
    func decode(_ type: Float.Type) throws -> Float { throw SchemaError.unsupported("Float") }
    func decode(_ type: Int.Type) throws -> Int { try record(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { throw SchemaError.unsupported("Int8") }
    func decode(_ type: Int16.Type) throws -> Int16 { throw SchemaError.unsupported("Int16") }
    func decode(_ type: Int32.Type) throws -> Int32 { throw SchemaError.unsupported("Int32") }
    func decode(_ type: Int64.Type) throws -> Int64 { try record(type) }
    func decode(_ type: UInt.Type) throws -> UInt { throw SchemaError.unsupported("UInt") }
    func decode(_ type: UInt8.Type) throws -> UInt8 { throw SchemaError.unsupported("UInt8") }
    func decode(_ type: UInt16.Type) throws -> UInt16 { throw SchemaError.unsupported("UInt16") }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try record(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try record(type) }

    private func record<T: Decodable>(_ type: T.Type) throws -> T {
        let (schema, value) = try registry.record(type)
        builder.single = schema
        return value
    }
}

/// An array with no elements.
struct EmptyUnkeyedContainer: UnkeyedDecodingContainer {
    var codingPath: [any CodingKey] { [] }
    var count: Int? { 0 }
    var isAtEnd: Bool { true }
    var currentIndex: Int { 0 }

    mutating func decodeNil() throws -> Bool { false }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { throw SchemaError.unsupported("array elements") }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        throw SchemaError.unsupported("nested keyed containers")
    }
    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { throw SchemaError.unsupported("nested arrays") }
    mutating func superDecoder() throws -> any Decoder { throw SchemaError.unsupported("superDecoder") }
}
