/// Ed25519 encodings that Signet refuses, as public keys and inside signatures.
///
/// A public key of small order (one of the eight points whose multiples never leave the
/// torsion subgroup) makes the verification equation `[S]B = R + [k]A` independent of the message:
/// with `A` and `R` the identity and `S = 0`, anyone "signs" anything. RFC 8032 does not ask a
/// verifier to refuse such keys, and BoringSSL, under swift-crypto, does not. So Signet refuses
/// them when a key is registered and again at every verification (belt and braces for keys stored
/// before this check existed), together with non-canonical encodings (a `y` coordinate ≥ p, which
/// gives one point several spellings) and signatures whose `S` is not reduced below the group order.
public enum Ed25519Encoding {
    /// The `y` coordinates (little-endian, sign bit clear) of the eight small-order points: the
    /// identity (1), the point of order 2 (p − 1), the two of order 4 (0), and the four of order 8.
    private static let smallOrderY: [[UInt8]] = [
        [UInt8](repeating: 0, count: 32),
        [1] + [UInt8](repeating: 0, count: 31),
        [0xEC] + [UInt8](repeating: 0xFF, count: 30) + [0x7F],
        [
            0x26, 0xE8, 0x95, 0x8F, 0xC2, 0xB2, 0x27, 0xB0, 0x45, 0xC3, 0xF4, 0x89, 0xF2, 0xEF, 0x98, 0xF0,
            0xD5, 0xDF, 0xAC, 0x05, 0xD3, 0xC6, 0x33, 0x39, 0xB1, 0x38, 0x02, 0x88, 0x6D, 0x53, 0xFC, 0x05,
        ],
        [
            0xC7, 0x17, 0x6A, 0x70, 0x3D, 0x4D, 0xD8, 0x4F, 0xBA, 0x3C, 0x0B, 0x76, 0x0D, 0x10, 0x67, 0x0F,
            0x2A, 0x20, 0x53, 0xFA, 0x2C, 0x39, 0xCC, 0xC6, 0x4E, 0xC7, 0xFD, 0x77, 0x92, 0xAC, 0x03, 0x7A,
        ],
    ]

    /// The order of the base point, L = 2^252 + 27742317777372353535851937790883648493, little-endian.
    private static let groupOrder: [UInt8] = [
        0xED, 0xD3, 0xF5, 0x5C, 0x1A, 0x63, 0x12, 0x58, 0xD6, 0x9C, 0xF7, 0xA2, 0xDE, 0xF9, 0xDE, 0x14,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
    ]

    /// Whether a 32-byte point encoding is acceptable as a public key or as a signature's `R`:
    /// canonical, and not of small order.
    public static func isAcceptablePoint(_ encoding: some Collection<UInt8>) -> Bool {
        let bytes = Array(encoding)
        guard bytes.count == 32 else { return false }
        var y = bytes
        y[31] &= 0x7F
        guard isBelowFieldPrime(y) else { return false }
        return !smallOrderY.contains(y)
    }

    /// Whether a 64-byte signature has an acceptable `R` and a canonical `S` (below the group order).
    public static func isAcceptableSignature(_ signature: some Collection<UInt8>) -> Bool {
        let bytes = Array(signature)
        guard bytes.count == 64, isAcceptablePoint(bytes[0..<32]) else { return false }
        return isLittleEndian(Array(bytes[32..<64]), below: groupOrder)
    }

    /// y < p = 2^255 − 19: the encoding is canonical.
    private static func isBelowFieldPrime(_ y: [UInt8]) -> Bool {
        let prime = [0xED] + [UInt8](repeating: 0xFF, count: 30) + [0x7F]
        return isLittleEndian(y, below: prime)
    }

    private static func isLittleEndian(_ value: [UInt8], below bound: [UInt8]) -> Bool {
        for index in stride(from: 31, through: 0, by: -1) where value[index] != bound[index] {
            return value[index] < bound[index]
        }
        return false
    }
}
