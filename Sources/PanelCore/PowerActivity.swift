#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A power action someone asked the panel for (from its UI, its API or a schedule), read from the server's
/// activity log. It tells a requested stop from a crash: a crash leaves no such entry.
public struct PowerActivity: Sendable, Hashable {
    /// The signal, or `nil` for a power-related event the bot does not model (a schedule's own entry).
    public var signal: PowerSignal?
    /// The panel's event name, e.g. `server:power.stop`.
    public var event: String
    /// When the panel logged it.
    public var loggedAt: Date

    /// Creates an activity entry.
    /// - Parameters:
    ///   - signal: The signal, if the event names one.
    ///   - event: The panel's event name.
    ///   - loggedAt: When the panel logged it.
    public init(signal: PowerSignal?, event: String, loggedAt: Date) {
        self.signal = signal
        self.event = event
        self.loggedAt = loggedAt
    }
}
