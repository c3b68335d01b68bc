import Testing

@testable import SignetCore

@Suite("Strict JSON")
struct JSONValueTests {
    @Test("Semantic equality ignores key order, whitespace and escape spelling")
    func semanticEquality() throws {
        let compact = try JSONValue(parsing: #"{"name":"é","n":1,"list":[true,null]}"#)
        let spaced = try JSONValue(parsing: "{ \"list\" : [ true , null ] ,\n \"n\": 1, \"name\": \"\\u00e9\" }")
        #expect(compact == spaced)
        #expect(try JSONValue(parsing: #"{"n":1}"#) != JSONValue(parsing: #"{"n":1.0}"#))
        #expect(try JSONValue(parsing: #"{"n":true}"#) != JSONValue(parsing: #"{"n":1}"#))
        #expect(try JSONValue(parsing: #"[1,2]"#) != JSONValue(parsing: #"[2,1]"#))
        #expect(try JSONValue(parsing: #""\ud83d\ude00""#) == .string("😀"))
    }

    @Test("Strings and keys compare by Unicode scalars, never by canonical equivalence")
    func scalarEquality() throws {
        // KELVIN SIGN and K, and é precomposed and decomposed: String == calls each pair equal.
        #expect(try JSONValue(parsing: #"{"name":"K"}"#) != JSONValue(parsing: #"{"name":"\u212A"}"#))
        #expect(try JSONValue(parsing: #"{"K":1}"#) != JSONValue(parsing: #"{"\u212A":1}"#))
        #expect(try JSONValue(parsing: #"["\u00e9"]"#) != JSONValue(parsing: #"["e\u0301"]"#))
        #expect(try JSONValue(parsing: #"{"\u00e9":"x"}"#) != JSONValue(parsing: #"{"e\u0301":"x"}"#))
    }

    @Test(
        "Refuses what parsers disagree on",
        arguments: [
            #"{"a":1,"a":2}"#, #"{"a":1,}"#, "[1,]", "01", "1.", ".5", "-", "NaN", "{'a':1}", #""\ud800""#,
            "\"tab\there\"", "{} {}", "", "tru", #"{"a" 1}"#, "\u{FEFF}{}",
        ]
    )
    func refusals(text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
    }

    @Test("Strings are read as UTF-8, with and without escapes; malformed UTF-8 is refused in either")
    func utf8Strings() throws {
        #expect(try JSONValue(parsing: Array(#"["plain","é😀 K","a\"b","é\n😀","\u00e9x"]"#.utf8))
            == .array([.string("plain"), .string("é😀 K"), .string("a\"b"), .string("é\n😀"), .string("éx")]))
        #expect(try JSONValue(parsing: Array(#"{"é":"","":"x"}"#.utf8)) == .object(["é": .string(""), "": .string("x")]))
        // A byte order mark inside a string is a character like any other, kept (Foundation's
        // decoding dropped a leading one, so "\u{FEFF}x" read as "x").
        for document in ["[\"\u{FEFF}x\"]", "[\"a\\n\u{FEFF}x\"]"] {
            guard case .array(let items) = try JSONValue(parsing: Array(document.utf8)), case .string(let text) = items.first else {
                Issue.record("not an array of one string: \(document)")
                continue
            }
            #expect(text.unicodeScalars.contains("\u{FEFF}"), "\(document)")
        }
        let malformed: [[UInt8]] = [[0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0x80]]
        for bytes in malformed {
            for (before, after) in [([UInt8](), [UInt8]()), (Array("a\\n".utf8), []), ([], Array("\\t".utf8))] {
                let document = Array("[\"".utf8) + before + bytes + after + Array("\"]".utf8)
                #expect(throws: JSONParseError.self, "\(document)") { try JSONValue(parsing: document) }
            }
        }
    }

    @Test("Accepts valid numbers and deep-but-bounded nesting")
    func accepts() throws {
        for number in ["0", "-0", "12.5e-3", "1E+9", "123456789012345678901234567890"] {
            #expect(try JSONValue(parsing: number) == .number(number))
        }
        let deep = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try JSONValue(parsing: deep) }
        let tooDeep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: tooDeep) }
    }
}
