import SignetCore
import SignetTestFixtures
import Testing

@Suite("Strict CBOR decoding")
struct CBORTests {
    @Test("Integers, strings, arrays, maps, booleans and null round-trip")
    func roundTrip() throws {
        let value = CBORValue.map([
            (key: .unsigned(1), value: CBOREncoder.int(-7)),
            (key: .text("fmt"), value: .text("packed")),
            (key: CBOREncoder.int(-2), value: .bytes([1, 2, 3])),
            (key: .text("list"), value: .array([.bool(true), .bool(false), .null, .unsigned(70_000), .unsigned(UInt64.max)])),
        ])
        let decoded = try CBORDecoder.decode(CBOREncoder.encode(value))
        #expect(decoded == value)
        #expect(decoded[1]?.intValue == -7)
        #expect(decoded["fmt"]?.textValue == "packed")
        #expect(decoded[-2]?.bytesValue == [1, 2, 3])
    }

    @Test("Refused: indefinite lengths, tags, floats, undefined, reserved encodings, truncation, trailing bytes")
    func refusals() {
        let cases: [([UInt8], CBORError)] = [
            ([0x5f, 0x41, 0x00, 0xff], .indefiniteLength),  // indefinite byte string
            ([0x9f, 0xff], .indefiniteLength),  // indefinite array
            ([0xbf, 0xff], .indefiniteLength),  // indefinite map
            ([0xc2, 0x41, 0x01], .tagged),  // bignum tag
            ([0xfa, 0x3f, 0x80, 0x00, 0x00], .unsupportedSimpleValue(26)),  // float32
            ([0xf7], .unsupportedSimpleValue(23)),  // undefined
            ([0x1c], .reservedAdditionalInformation),
            ([0x19, 0x01], .truncated),
            ([0x5a, 0xff, 0xff, 0xff, 0xff, 0x00], .truncated),  // a 4 GB byte string in 6 bytes
            ([0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], .truncated),  // 2^64-1 elements
            ([0x01, 0x02], .trailingBytes),
            ([0x62, 0xc3, 0x28], .invalidUTF8),
            ([0xa1, 0x41, 0x00, 0x01], .invalidMapKey),  // a byte-string key
            ([0xa2, 0x01, 0x00, 0x01, 0x00], .duplicateMapKey),
            ([0xa2, 0x61, 0x61, 0x00, 0x61, 0x61, 0x00], .duplicateMapKey),
        ]
        for (bytes, expected) in cases {
            #expect(throws: expected) { try CBORDecoder.decode(bytes) }
        }
    }

    @Test("Nesting is bounded: 17 nested arrays are refused, 16 accepted")
    func depth() throws {
        #expect(throws: CBORError.tooDeep) { try CBORDecoder.decode(Array(repeating: 0x81, count: 17) + [0x00]) }
        _ = try CBORDecoder.decode(Array(repeating: 0x81, count: 16) + [0x00])
    }

    @Test("The item count is bounded, whatever the nesting")
    func itemCount() {
        // An array of 5,000 zeros: each element is one byte, so only the item bound stops it.
        let bytes: [UInt8] = [0x99, 0x13, 0x88] + Array(repeating: 0x00, count: 5_000)
        #expect(throws: CBORError.tooManyItems) { try CBORDecoder.decode(bytes) }
    }
}
