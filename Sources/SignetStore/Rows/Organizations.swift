package import Foundation
import SignetAPI
import SignetCore

/// An organisation.
package struct OrganizationRecord: StoreRow, Equatable {
    package var id: String
    package var name: String
    @Milliseconds package var createdAt: Date
    /// The organisation's longest PAT lifetime, in days: checked when a PAT is created and on each
    /// use (an older PAT stops at it). `nil`: the server's maximum only.
    package var maximumPatLifetimeDays: Int?

    package init(id: String, name: String, createdAt: Date, maximumPatLifetimeDays: Int? = nil) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
        self.maximumPatLifetimeDays = maximumPatLifetimeDays
    }

    package static let table = StoreTable.organizations
    package static let primaryKey = CodingKeys.id

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case name
        case createdAt = "created_at"
        case maximumPatLifetimeDays = "maximum_pat_lifetime_days"
    }
}
