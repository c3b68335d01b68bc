import Foundation
import SQLiteKit
import SQLiteNIO
import Testing

@testable import SignetStore

/// The direct conversions of the SQLite store give exactly what sqlite-kit's encoder and decoder
/// give, and leave everything else to them.
@Suite("SQLite values converted directly")
struct SQLiteDirectValuesTests {
    static let dates = [Date(milliseconds: 0), Date(milliseconds: 1_765_000_000_123), Date(milliseconds: -5)]

    @Test("Binds: String, Int64, Int and Bool as sqlite-kit sends them; others left to it")
    func binds() throws {
        let encoder = SQLiteDataEncoder()
        let optionalText: String? = "x"
        let doubleOptional: String?? = .some("y")
        let optionalNumber: Int64? = 9
        let handled: [any Encodable] = [
            "", "text", "é\u{301}", Int64.min, Int64.max, 0 as Int64, Int.min, 42, true, false, optionalText, doubleOptional, optionalNumber,
        ]
        for value in handled {
            let direct = try #require(SQLiteDirectValues.encoded(value), "\(value)")
            #expect(direct == (try encoder.encode(value)), "\(value)")
        }
        let none: String? = nil
        let someNone: String?? = .some(nil)
        let noNumber: Int? = nil
        let left: [any Encodable] = [
            none, someNone, noNumber, 1.5, SQLiteData.integer(1), Milliseconds(wrappedValue: Self.dates[1]), OptionalMilliseconds(wrappedValue: nil),
            JSONText(wrappedValue: ["a"]), [UInt8(1)],
        ]
        for value in left { #expect(SQLiteDirectValues.encoded(value) == nil, "\(value)") }
    }

    @Test("Columns: every value as every handled type decodes as sqlite-kit decodes it, or is left to it")
    func columns() throws {
        let decoder = SQLiteDataDecoder()
        let values: [SQLiteData] = [.text(""), .text("1"), .text("é"), .integer(0), .integer(1), .integer(2), .integer(-7), .integer(1_765_000_000_123), .null, .float(1.0)]
        func check<D: Decodable & Equatable>(_ type: D.Type) {
            for value in values {
                let expected = try? decoder.decode(D.self, from: value)
                if let direct = SQLiteDirectValues.decoded(value, as: D.self) {
                    #expect(direct == expected, "\(value) as \(D.self)")
                }
            }
        }
        check(String.self)
        check(Int64.self)
        check(Int.self)
        check(Bool.self)
        check(Milliseconds.self)
        check(OptionalMilliseconds.self)
        // The common cases are taken directly (not left to sqlite-kit).
        for value in values {
            if case .text = value { #expect(SQLiteDirectValues.decoded(value, as: String.self) != nil, "\(value)") }
            if case .integer(let number) = value {
                #expect(SQLiteDirectValues.decoded(value, as: Int64.self) != nil && SQLiteDirectValues.decoded(value, as: Int.self) != nil)
                #expect(SQLiteDirectValues.decoded(value, as: Milliseconds.self) != nil, "\(value)")
                #expect(SQLiteDirectValues.decoded(value, as: OptionalMilliseconds.self) != nil, "\(value)")
                #expect((SQLiteDirectValues.decoded(value, as: Bool.self) != nil) == (number == 0 || number == 1), "\(value)")
            }
        }
        #expect(SQLiteDirectValues.decoded(.text("a"), as: String.self) == "a")
        #expect(SQLiteDirectValues.decoded(.integer(2), as: Bool.self) == nil)
        #expect(SQLiteDirectValues.decoded(.integer(1), as: Bool.self) == true)
        #expect(SQLiteDirectValues.decoded(.null, as: OptionalMilliseconds.self) == OptionalMilliseconds(wrappedValue: nil))
        #expect(SQLiteDirectValues.decoded(.integer(5), as: Milliseconds.self) == Milliseconds(wrappedValue: Date(milliseconds: 5)))
        #expect(SQLiteDirectValues.decoded(.text("5"), as: Int64.self) == nil)
    }
}
