import Foundation
import SignetAPI
import SignetCore

/// An organisation.
public struct OrganizationRecord: StoreRow, Equatable {
    public var id: String
    public var name: String
    @Milliseconds public var createdAt: Date

    public init(id: String, name: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
    }

    public static let table = StoreTable.organizations
    public static let primaryKey = CodingKeys.id

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case name
        case createdAt = "created_at"
    }
}
