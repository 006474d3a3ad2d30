import DiscordModels
import PanelCore

/// What the interaction handler asks of the status updates: post, refresh and purge status messages, and read the
/// recent cycles. ``StatusMessageUpdater`` conforms; tests use a recording double.
///
/// Every method must return without waiting for a whole cycle: the updater is a reentrant actor, and a call waits
/// only for an update of the same server that is in flight (updates of one server never interleave).
public protocol StatusEmbedControlling: Sendable {
    /// Posts a new status message for `server` in `channel`, deleting the one tracked before, and persists it.
    /// - Parameters:
    ///   - server: The panel server.
    ///   - channel: Where to post.
    /// - Returns: The new message's ID.
    /// - Throws: ``MessageSinkError`` when Discord refuses the message, ``PanelFailure`` when the server is unknown.
    func track(_ server: ServerID, in channel: ChannelID) async throws -> MessageID

    /// Edits `server`'s message now, ignoring the change rules.
    /// - Parameter server: The panel server.
    /// - Returns: What the update did.
    @discardableResult
    func refresh(_ server: ServerID) async -> CycleReport

    /// Edits every tracked message now, ignoring the change rules.
    /// - Returns: Counts of edited, re-posted, dropped and failed messages.
    @discardableResult
    func refreshAll() async -> CycleReport

    /// Deletes every tracked message and empties the store.
    /// - Returns: How many messages were deleted and how many could not be.
    func purgeAll() async -> (deleted: Int, failed: Int)

    /// Recent cycles, oldest first.
    var recentCycles: [CycleReport] { get async }
}

extension StatusMessageUpdater: StatusEmbedControlling {}
