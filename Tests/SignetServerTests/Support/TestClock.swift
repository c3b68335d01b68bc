import Foundation
import NIOConcurrencyHelpers

/// A clock tests move forward instead of sleeping: the system time plus an offset they control.
/// Tokens are still minted and their signatures checked for real; only "now" moves.
final class TestClock: Sendable {
    private let offset = NIOLockedValueBox<TimeInterval>(0)

    /// The time as the server under test sees it.
    var now: @Sendable () -> Date {
        { [offset] in Date().addingTimeInterval(offset.withLockedValue { $0 }) }
    }

    /// Moves the clock forward.
    func advance(by seconds: TimeInterval) {
        offset.withLockedValue { $0 += seconds }
    }
}
