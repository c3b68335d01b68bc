import NIOCore
import SQLiteNIO
import VaporCSQLite

/// Binding values to a statement and reading a row's values back, exactly (text by its byte length,
/// so a value is never cut at a NUL).
extension SQLiteSession {
    /// SQLite copies a bound text or blob before the call returns (`SQLITE_TRANSIENT`).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    static func bind(_ binds: [SQLiteData], to statement: OpaquePointer, connection: UInt) throws {
        for (offset, value) in binds.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch value {
            case .integer(let number):
                status = sqlite_nio_sqlite3_bind_int64(statement, index, Int64(number))
            case .float(let number):
                status = sqlite_nio_sqlite3_bind_double(statement, index, number)
            case .text(let text):
                var text = text
                status = text.withUTF8 { bytes in
                    sqlite_nio_sqlite3_bind_text64(
                        statement, index, UnsafeRawPointer(bytes.baseAddress)?.assumingMemoryBound(to: CChar.self),
                        UInt64(bytes.count), transient, UInt8(SQLITE_UTF8))
                }
            case .blob(let buffer):
                status = buffer.withUnsafeReadableBytes { bytes in
                    sqlite_nio_sqlite3_bind_blob64(statement, index, bytes.baseAddress, UInt64(bytes.count), transient)
                }
            case .null:
                status = sqlite_nio_sqlite3_bind_null(statement, index)
            }
            guard status == SQLITE_OK else { throw SQLiteFailure(status, connection: connection) }
        }
    }

    static func columnNames(of statement: OpaquePointer) throws -> [String] {
        try (0..<sqlite_nio_sqlite3_column_count(statement)).map { column in
            guard let name = sqlite_nio_sqlite3_column_name(statement, column) else { throw outOfMemory }
            return String(cString: name)
        }
    }

    /// What SQLite means by a missing name or text (`NULL` where a value was due).
    private static let outOfMemory = SQLiteFailure(code: SQLITE_NOMEM, message: "SQLite ran out of memory reading a row")

    static func values(of statement: OpaquePointer, count: Int) throws -> [SQLiteData] {
        try (0..<Int32(count)).map { column in
            switch sqlite_nio_sqlite3_column_type(statement, column) {
            case SQLITE_INTEGER:
                return .integer(SQLiteInt64(sqlite_nio_sqlite3_column_int64(statement, column)))
            case SQLITE_FLOAT:
                return .float(sqlite_nio_sqlite3_column_double(statement, column))
            case SQLITE_TEXT:
                // The text first, then its length in bytes (SQLite's documented order).
                let text = sqlite_nio_sqlite3_column_text(statement, column)
                let length = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
                guard let text else {
                    if length == 0 { return .text("") }
                    throw outOfMemory
                }
                return .text(String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self))
            case SQLITE_BLOB:
                let bytes = sqlite_nio_sqlite3_column_blob(statement, column)
                let length = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
                var buffer = ByteBufferAllocator().buffer(capacity: length)
                if let bytes { buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: length)) }
                return .blob(buffer)
            case SQLITE_NULL:
                return .null
            default:
                throw SQLiteFailure(code: SQLITE_MISMATCH, message: "a column of an unknown type")
            }
        }
    }
}
