import Foundation
import SignetStore

extension WriteScenario {
    /// The writes of organisation settings.
    static let settingsWrites: [(String, Write)] = [
        ("setMaximumPatLifetime(orgId)", { store, f in try await store.setMaximumPatLifetime(orgId: f.orgId, days: 30) })
    ]
}
