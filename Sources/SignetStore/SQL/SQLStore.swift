import Foundation
import Logging
import SQLKit
import SignetAPI
import SignetCore

/// ``SignetStore`` over SQL, the same statements for SQLite and PostgreSQL.
public struct SQLStore: SignetStore {
    let driver: any DatabaseDriver
    /// Set inside ``transaction(_:)``: every statement then runs on the transaction's connection.
    let transactionDatabase: (any SQLDatabase)?

    /// Opens the store over `driver`, applying any schema migrations first.
    public static func open(driver: any DatabaseDriver) async throws -> SQLStore {
        try await Migrations.apply(using: driver)
        return SQLStore(driver: driver, transactionDatabase: nil)
    }

    /// Opens (creating if needed) a SQLite store at `path`.
    public static func sqlite(path: String, logger: Logger = Logger(label: "signet.store")) async throws -> SQLStore {
        try await open(driver: SQLiteDriver.open(path: path, logger: logger))
    }

    public func transaction<T: Sendable>(_ body: @Sendable (any SignetStore) async throws -> T) async throws -> T {
        if transactionDatabase != nil { return try await body(self) }
        let driver = self.driver
        return try await mapUniqueViolation {
            try await driver.transaction { database in
                try await body(SQLStore(driver: driver, transactionDatabase: database))
            }
        }
    }

    public func shutdown() async throws {
        try await driver.shutdown()
    }

    /// Runs read-only statements.
    func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        if let transactionDatabase { return try await body(transactionDatabase) }
        return try await driver.withReader(body)
    }

    /// Runs one writing statement; a unique-index violation becomes ``StoreError/conflict(_:)``.
    func write<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        if let transactionDatabase { return try await mapUniqueViolation { try await body(transactionDatabase) } }
        let driver = self.driver
        return try await mapUniqueViolation { try await driver.withWriter(body) }
    }

    private func mapUniqueViolation<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error where driver.isUniqueViolation(error) {
            throw StoreError.conflict(String(describing: error))
        }
    }
}

/// Unix milliseconds, the representation of every time in the schema.
extension Date {
    var milliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    init(milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}

extension SQLRow {
    func string(_ column: String) throws -> String { try decode(column: column, as: String.self) }
    func optionalString(_ column: String) throws -> String? { try decode(column: column, as: String?.self) }
    func bool(_ column: String) throws -> Bool { try decode(column: column, as: Bool.self) }
    func int(_ column: String) throws -> Int { try decode(column: column, as: Int.self) }
    func optionalInt(_ column: String) throws -> Int? { try decode(column: column, as: Int?.self) }
    func date(_ column: String) throws -> Date { Date(milliseconds: try decode(column: column, as: Int64.self)) }
    func optionalDate(_ column: String) throws -> Date? {
        try decode(column: column, as: Int64?.self).map(Date.init(milliseconds:))
    }

    func stringArray(_ column: String) throws -> [String] {
        try JSONDecoder().decode([String].self, from: Data(try string(column).utf8))
    }

    func enumeration<E: RawRepresentable>(_ column: String, as type: E.Type) throws -> E where E.RawValue == String {
        let raw = try string(column)
        guard let value = E(rawValue: raw) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "unknown \(E.self) '\(raw)' in \(column)"))
        }
        return value
    }
}

/// JSON text for a string array column.
func jsonText(_ values: [String]) -> String {
    // Encoding an array of strings cannot fail.
    String(decoding: (try? JSONEncoder().encode(values)) ?? Data("[]".utf8), as: UTF8.self)
}
