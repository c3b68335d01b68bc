package import Foundation

/// One table's row: a `Codable` type whose `CodingKeys` are the table's columns, read with
/// sql-kit's row decoder and written with its query encoder. The store's statements, `signet
/// migrate`'s copy and the schema test all go through it, so a column is named once, here.
package protocol StoreRow: Codable, Sendable {
    /// The columns, one case each, spelled as in the schema.
    associatedtype CodingKeys: CodingKey & CaseIterable & RawRepresentable where CodingKeys.RawValue == String
    /// The table the row belongs to.
    static var table: StoreTable { get }
    /// The primary key column (the order in which a copy reads rows).
    static var primaryKey: CodingKeys { get }
}

extension StoreRow {
    /// The table's columns, in declaration order.
    static var columns: [String] { CodingKeys.allCases.map(\.rawValue) }
}

/// A time stored as Unix milliseconds (BIGINT), the representation of every time in the schema.
@propertyWrapper
package struct Milliseconds: Codable, Sendable, Hashable {
    package var wrappedValue: Date

    package init(wrappedValue: Date) { self.wrappedValue = wrappedValue }

    package init(from decoder: any Decoder) throws {
        wrappedValue = Date(milliseconds: try decoder.singleValueContainer().decode(Int64.self))
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(wrappedValue.milliseconds)
    }
}

/// A time that may be absent, stored as Unix milliseconds or NULL.
@propertyWrapper
package struct OptionalMilliseconds: Codable, Sendable, Hashable {
    package var wrappedValue: Date?

    package init(wrappedValue: Date?) { self.wrappedValue = wrappedValue }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        wrappedValue = container.decodeNil() ? nil : Date(milliseconds: try container.decode(Int64.self))
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue.milliseconds) } else { try container.encodeNil() }
    }
}

/// A list of strings stored as JSON text (portable across SQLite and PostgreSQL).
@propertyWrapper
package struct JSONText: Codable, Sendable, Hashable {
    package var wrappedValue: [String]

    package init(wrappedValue: [String]) { self.wrappedValue = wrappedValue }

    package init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        wrappedValue = try JSONDecoder().decode([String].self, from: Data(text.utf8))
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(jsonText(wrappedValue))
    }
}
