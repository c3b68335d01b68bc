package import Foundation
import SignetAPI
import SignetCore

/// An organisation.
package struct OrganizationRecord: StoreRow, Equatable {
    package var id: String
    package var name: String
    @Milliseconds package var createdAt: Date

    package init(id: String, name: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
    }

    package static let table = StoreTable.organizations
    package static let primaryKey = CodingKeys.id

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case name
        case createdAt = "created_at"
    }
}
