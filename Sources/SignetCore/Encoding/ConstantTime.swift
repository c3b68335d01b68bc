/// Comparisons of secrets whose running time does not depend on where the inputs differ.
public enum ConstantTime {
    /// Returns `true` when both byte sequences are equal. The time taken depends only on the lengths.
    public static func equals<A: Collection, B: Collection>(_ lhs: A, _ rhs: B) -> Bool
    where A.Element == UInt8, B.Element == UInt8 {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(lhs, rhs) {
            difference |= left ^ right
        }
        return difference == 0
    }

    /// Returns `true` when both strings have the same UTF-8 bytes, in time that depends only on the lengths.
    public static func equals(_ lhs: String, _ rhs: String) -> Bool {
        equals(Array(lhs.utf8), Array(rhs.utf8))
    }
}
