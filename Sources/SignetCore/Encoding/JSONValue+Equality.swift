import Foundation

extension JSONValue {
    /// Exact equality: strings and object keys are equal only when their Unicode scalars are.
    ///
    /// Swift's `String ==` treats canonically equivalent strings as equal ("K" and U+212A KELVIN
    /// SIGN, "é" precomposed and decomposed), so a synthesised `==` would let a body that was never
    /// signed pass for one that was. Object keys are compared the same way: a dictionary lookup finds
    /// a canonically equivalent key, so the stored key itself is compared again by scalars.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let left), .bool(let right)): return left == right
        case (.number(let left), .number(let right)): return ExactText.equals(left, right)
        case (.string(let left), .string(let right)): return ExactText.equals(left, right)
        case (.array(let left), .array(let right)):
            return left.count == right.count && zip(left, right).allSatisfy { $0 == $1 }
        case (.object(let left), .object(let right)):
            guard left.count == right.count else { return false }
            for (key, value) in left {
                guard let index = right.index(forKey: key), ExactText.equals(right[index].key, key),
                    right[index].value == value
                else { return false }
            }
            return true
        default: return false
        }
    }
}

/// Equality of text by Unicode scalars, never by canonical equivalence: for signed values, ids and
/// anything else whose exact spelling matters.
public enum ExactText {
    /// Whether both strings consist of the same Unicode scalars (equivalently, the same UTF-8 bytes).
    public static func equals(_ lhs: some StringProtocol, _ rhs: some StringProtocol) -> Bool {
        lhs.utf8.elementsEqual(rhs.utf8)
    }

    /// The same for two `String`s: their lengths first, then their bytes in one `memcmp` when both
    /// are stored contiguously (as native strings are), else byte by byte.
    public static func equals(_ lhs: String, _ rhs: String) -> Bool {
        guard lhs.utf8.count == rhs.utf8.count else { return false }
        let compared = lhs.utf8.withContiguousStorageIfAvailable { left in
            rhs.utf8.withContiguousStorageIfAvailable { right in
                guard let first = left.baseAddress, let second = right.baseAddress else { return left.count == right.count }
                return memcmp(first, second, left.count) == 0
            }
        }
        return (compared ?? nil) ?? lhs.utf8.elementsEqual(rhs.utf8)
    }
}
