public import Foundation

/// A role ("permission" on the wire): a named set of operations.
public struct Permission: Codable, Sendable, Equatable {
    /// `pm-…`.
    public var id: String
    public var name: String
    public var operations: [String]
    /// Always `Active`.
    public var status: String
    /// Managed roles cannot be changed.
    public var isImmutable: Bool
    /// Archived roles grant nothing.
    public var isArchived: Bool
    public var dateCreated: Date
    public var dateUpdated: Date
    /// On `GET /permissions/{id}`: a change to this role that waits for approval, if any.
    public var pendingChangeRequest: ChangeRequest?

    public init(
        id: String,
        name: String,
        operations: [String],
        status: String = "Active",
        isImmutable: Bool,
        isArchived: Bool,
        dateCreated: Date,
        dateUpdated: Date,
        pendingChangeRequest: ChangeRequest? = nil
    ) {
        self.id = id
        self.name = name
        self.operations = operations
        self.status = status
        self.isImmutable = isImmutable
        self.isArchived = isArchived
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
        self.pendingChangeRequest = pendingChangeRequest
    }
}

/// `POST /permissions`.
public struct CreatePermissionRequest: Codable, Sendable, Equatable, KnownFields {
    /// 1 to 100 characters.
    public var name: String
    /// At least one operation name (current or legacy Dfns names).
    public var operations: [String]

    /// The fields it accepts (its JSON keys): any other is refused (``KnownFields``).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case name, operations
    }

    public init(name: String, operations: [String]) {
        self.name = name
        self.operations = operations
    }
}

/// `PUT /permissions/{id}`.
public struct UpdatePermissionRequest: Codable, Sendable, Equatable, KnownFields {
    public var name: String?
    public var operations: [String]?

    /// The fields it accepts (its JSON keys): any other is refused (``KnownFields``).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case name, operations
    }

    public init(name: String? = nil, operations: [String]? = nil) {
        self.name = name
        self.operations = operations
    }
}

/// `PUT /permissions/{id}/archive`.
public struct ArchivePermissionRequest: Codable, Sendable, Equatable, KnownFields {
    /// `true` archives, `false` restores.
    public var isArchived: Bool

    /// The fields it accepts (its JSON keys): any other is refused (``KnownFields``).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case isArchived
    }

    public init(isArchived: Bool) { self.isArchived = isArchived }
}

/// A role given to an identity.
public struct Assignment: Codable, Sendable, Equatable {
    /// `as-…`.
    public var id: String
    public var permissionId: String
    /// A user or service account (`us-…`) or a PAT (`to-…`).
    public var identityId: String
    public var isImmutable: Bool
    public var dateCreated: Date
    public var dateUpdated: Date

    public init(id: String, permissionId: String, identityId: String, isImmutable: Bool, dateCreated: Date, dateUpdated: Date) {
        self.id = id
        self.permissionId = permissionId
        self.identityId = identityId
        self.isImmutable = isImmutable
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
    }
}

/// `POST /permissions/{id}/assignments`.
public struct CreateAssignmentRequest: Codable, Sendable, Equatable, KnownFields {
    public var identityId: String

    /// The fields it accepts (its JSON keys): any other is refused (``KnownFields``).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case identityId
    }

    public init(identityId: String) { self.identityId = identityId }
}
