import Foundation
import SQLiteNIO

/// The column types Signet's rows and binds use most, converted straight to and from SQLite's
/// values, exactly as sqlite-kit's `SQLiteDataEncoder` and `SQLiteDataDecoder` convert them.
/// Those ask every value whether it conforms to a protocol (a conformance lookup) and decode a
/// wrapper such as ``Milliseconds`` through a nested decoder: together about 6% of a Fast Auth
/// write, mostly in reading rows. Anything not listed here still goes through sqlite-kit (`nil`
/// from these functions).
enum SQLiteDirectValues {
    /// The value a bind is sent as, for `String`, `Int64`, `Int` and `Bool` (an optional one
    /// holding a value included). A row's columns arrive wrapped by SQLKit's encoder and are left
    /// to sqlite-kit; the binds of statements written by hand (ids, digests, milliseconds) do not.
    static func encoded(_ value: any Encodable) -> SQLiteData? {
        switch value {
        case let text as String: .text(text)
        case let number as Int64: .integer(SQLiteInt64(number))
        case let number as Int: .integer(SQLiteInt64(number))
        case let flag as Bool: .integer(flag ? 1 : 0)
        default: nil
        }
    }

    /// `value` as a `D`, for the types and values sqlite-kit takes without conversion: text as a
    /// `String`, an integer as an `Int64`, an `Int`, a `Bool` (0 or 1) or ``Milliseconds``, an
    /// integer or NULL as ``OptionalMilliseconds``.
    static func decoded<D>(_ value: SQLiteData, as type: D.Type) -> D? {
        switch value {
        case .text(let text):
            return type == String.self ? text as? D : nil
        case .integer(let number):
            if type == Int64.self { return Int64(number) as? D }
            if type == Int.self { return Int(number) as? D }
            if type == Bool.self { return number == 1 ? true as? D : number == 0 ? false as? D : nil }
            if type == Milliseconds.self { return Milliseconds(wrappedValue: Date(milliseconds: Int64(number))) as? D }
            if type == OptionalMilliseconds.self { return OptionalMilliseconds(wrappedValue: Date(milliseconds: Int64(number))) as? D }
            return nil
        case .null:
            return type == OptionalMilliseconds.self ? OptionalMilliseconds(wrappedValue: nil) as? D : nil
        case .float, .blob:
            return nil
        }
    }
}
