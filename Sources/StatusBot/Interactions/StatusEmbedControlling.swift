import DiscordModels
import Pterodactyl

/// What the interaction handler asks of the update loop: post, refresh and purge status messages, and read the
/// recent cycles. ``Orchestrator`` conforms; tests use a recording double.
///
/// Every method must return without waiting for a running cycle (the orchestrator is a reentrant actor that
/// suspends while it polls, so these calls interleave with a cycle instead of queueing behind it).
public protocol StatusEmbedControlling: Sendable {
    /// Posts a new status message for `server` in `channel`, deleting the one tracked before, and persists it.
    /// - Parameters:
    ///   - server: The panel server.
    ///   - channel: Where to post.
    /// - Returns: The new message's ID.
    /// - Throws: ``MessageSinkError`` when Discord refuses the message, ``PanelError`` when the server is unknown.
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

extension Orchestrator: StatusEmbedControlling {}
