/// What an identity may do: a set of operation names, or everything (the managed full-admin role,
/// which covers current and future operations alike).
///
/// The effective permissions of a request are the intersection of what its user holds and what its
/// token holds; ``intersection(_:)`` is that rule and nothing else decides it.
public struct PermissionSet: Sendable, Equatable {
    /// `true` when every operation is granted.
    public let grantsAll: Bool
    /// The granted operations when ``grantsAll`` is `false`.
    public let operations: Set<String>

    /// Grants nothing.
    public static let none = PermissionSet(grantsAll: false, operations: [])
    /// Grants every operation.
    public static let all = PermissionSet(grantsAll: true, operations: [])

    /// Grants the listed operations.
    public init<S: Sequence>(operations: S) where S.Element == String {
        self.init(grantsAll: false, operations: Set(operations))
    }

    private init(grantsAll: Bool, operations: Set<String>) {
        self.grantsAll = grantsAll
        self.operations = grantsAll ? [] : operations
    }

    /// Whether `operation` is granted.
    public func allows(_ operation: String) -> Bool {
        grantsAll || operations.contains(operation)
    }

    /// Whether `operation` is granted.
    public func allows(_ operation: OperationName) -> Bool {
        allows(operation.rawValue)
    }

    /// What both sets grant.
    public func intersection(_ other: PermissionSet) -> PermissionSet {
        switch (grantsAll, other.grantsAll) {
        case (true, true): return .all
        case (true, false): return other
        case (false, true): return self
        case (false, false): return PermissionSet(operations: operations.intersection(other.operations))
        }
    }

    /// What either set grants.
    public func union(_ other: PermissionSet) -> PermissionSet {
        if grantsAll || other.grantsAll { return .all }
        return PermissionSet(operations: operations.union(other.operations))
    }

    /// The operations of `other` that this set does not grant, sorted; empty when this set covers
    /// `other`. A set that grants everything can only be covered by another that does.
    public func missing(from other: PermissionSet) -> [String] {
        if grantsAll { return [] }
        if other.grantsAll { return ["* (every operation)"] }
        return other.operations.subtracting(operations).sorted()
    }
}
