import DiscordModels
import Logging
import Monitoring
import PanelCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Keeps the live **Nodes** message in step with the monitor: posted by `/nodes`, edited only when a shown value
/// changes, remembered across restarts, reposted when Discord refuses edits of an old message, and forgotten
/// when someone deletes it.
///
/// The message's place is kept in its own store file next to the status messages' (same atomic writes, same
/// refusal to start over an unreadable file), so the Python bot's `embed_locations.json` stays as it wrote it.
public actor NodesBoardUpdater: ObservationConsumer {
    /// The key of the board in its store.
    static let storeKey = ServerID("nodes-board")

    private let backend: any PanelBackend
    private weak let monitor: (any ServerObserving)?
    private let sink: any StatusMessageSink
    private let store: EmbedStore
    private var builder: NodesBoardBuilder
    private let panelName: String
    private let wallClock: @Sendable () -> Date
    private let logger: Logger
    private var tracker = NodeHealthTracker()
    private var shown: Embed?

    /// Creates the updater.
    /// - Parameters:
    ///   - backend: Lists nodes at once for `/nodes` (cycles get them from the monitor).
    ///   - monitor: The last known server states, for a board posted between cycles (kept weakly).
    ///   - sink: Where the message goes.
    ///   - store: Where the board's message is remembered (its own file).
    ///   - builder: Renders the board.
    ///   - panelName: Shown in the footer.
    ///   - wallClock: The listing time of a board posted between cycles.
    ///   - logger: Board problems.
    public init(
        backend: any PanelBackend,
        monitor: (any ServerObserving)?,
        sink: any StatusMessageSink,
        store: EmbedStore,
        builder: NodesBoardBuilder = NodesBoardBuilder(),
        panelName: String,
        wallClock: @escaping @Sendable () -> Date = { Date() },
        logger: Logger
    ) {
        self.backend = backend
        self.monitor = monitor
        self.sink = sink
        self.store = store
        self.builder = builder
        self.panelName = panelName
        self.wallClock = wallClock
        self.logger = logger
    }

    /// Where the board is, if there is one.
    public var location: EmbedLocation? { get async { await store.location(for: Self.storeKey) } }

    // MARK: - Consumer

    /// Server counts per node need every server's state, but only while a board exists.
    public var wantsEveryServer: Bool { get async { await location != nil } }

    /// The node listing, while a board exists.
    public var wantsNodes: Bool { get async { await location != nil } }

    /// Puts new warning thresholds in force (a configuration reload); the board shows them from its next edit.
    /// - Parameter thresholds: The thresholds.
    public func apply(_ thresholds: NodesBoardThresholds) {
        builder.thresholds = thresholds
    }

    /// Edits the board when what it shows changed.
    public func consume(_ observation: Observation) async {
        guard case .cycle = observation.origin, let location = await location else { return }
        let snapshot = NodesBoardSnapshot(panelName: panelName, observation: observation, tracker: &tracker)
        await show(builder.message(for: snapshot), at: location)
    }

    // MARK: - Commands

    /// Posts the board in `channel` (moving it there when it is elsewhere) from a fresh node listing and the last
    /// known server states.
    /// - Parameter channel: Where `/nodes` was used.
    /// - Returns: The message, and why the listing failed if it did (the board then says what to fix).
    /// - Throws: ``MessageSinkError`` when the message cannot be posted.
    public func post(in channel: ChannelID) async throws -> (message: MessageID, listingFailure: PanelFailure?) {
        var listing: NodeListing
        do {
            listing = NodeListing(nodes: try await backend.nodes(), fetchedAt: wallClock())
        } catch let failure as PanelFailure {
            listing = NodeListing(nodes: [], fetchedAt: nil, failure: failure)
        }
        let known = await monitor?.lastKnown ?? [:]
        let observation = Observation(origin: .onDemand, observedAt: wallClock(), servers: known, nodes: listing)
        // A copy: last known states are not a cycle's answers and must not start or end an outage.
        var provisional = tracker
        let snapshot = NodesBoardSnapshot(panelName: panelName, observation: observation, tracker: &provisional)
        let message = builder.message(for: snapshot)
        let previous = await location
        let id = try await sink.createMessage(in: channel, message)
        shown = message.payload.embeds?.first
        do {
            try await store.set(EmbedLocation(channelID: channel, messageID: id), for: Self.storeKey)
        } catch {
            logger.error(
                "could not save where the nodes board is; it may be forgotten on restart",
                metadata: ["error": "\(error)"]
            )
        }
        if let previous, previous.messageID != id { await deleteReplaced(previous) }
        logger.info("nodes board posted", metadata: ["discord.channel": "\(channel)", "discord.message": "\(id)"])
        return (id, listing.failure)
    }

    /// Deletes the board, for `/purge_embeds`.
    /// - Returns: Messages deleted and messages that could not be.
    public func purge() async -> (deleted: Int, failed: Int) {
        guard let location = await location else { return (0, 0) }
        var result = (deleted: 1, failed: 0)
        do {
            try await sink.deleteMessage(location.messageID, in: location.channelID)
        } catch MessageSinkError.messageGone, MessageSinkError.channelGone {
            result = (0, 0)
        } catch {
            result = (0, 1)
        }
        await forget(location)
        return result
    }

    // MARK: - Editing

    private func show(_ message: OutgoingMessage, at location: EmbedLocation) async {
        guard let embed = message.payload.embeds?.first else { return }
        guard let change = NodesBoardChange.between(shown: shown, current: embed) else { return }
        do {
            try await sink.editMessage(location.messageID, in: location.channelID, message)
            shown = embed
            logger.debug("nodes board edited", metadata: ["change": "\(change)"])
        } catch MessageSinkError.messageGone, MessageSinkError.channelGone {
            logger.notice("the nodes board was deleted; use /nodes to post it again")
            await forget(location)
        } catch MessageSinkError.tooManyEditsToOldMessage {
            await repost(message, replacing: location)
        } catch {
            logger.warning("could not edit the nodes board; retrying next cycle", metadata: ["error": "\(error)"])
        }
    }

    /// Discord refuses more edits of a message older than an hour: post a fresh board and delete the old one.
    private func repost(_ message: OutgoingMessage, replacing old: EmbedLocation) async {
        do {
            let id = try await sink.createMessage(in: old.channelID, message)
            let new = EmbedLocation(channelID: old.channelID, messageID: id)
            _ = try await store.replace(Self.storeKey, expected: old, with: new)
            shown = message.payload.embeds?.first
            await deleteReplaced(old)
            logger.info("nodes board reposted (Discord refuses more edits of the old one)")
        } catch {
            logger.warning("could not repost the nodes board; retrying next cycle", metadata: ["error": "\(error)"])
        }
    }

    /// Deletes a board that a newer one replaced; one already gone is fine.
    private func deleteReplaced(_ old: EmbedLocation) async {
        do {
            try await sink.deleteMessage(old.messageID, in: old.channelID)
        } catch MessageSinkError.messageGone, MessageSinkError.channelGone {
            return
        } catch {
            logger.warning(
                "could not delete the replaced nodes board; delete it by hand",
                metadata: [
                    "discord.channel": "\(old.channelID)", "discord.message": "\(old.messageID)", "error": "\(error)",
                ]
            )
        }
    }

    private func forget(_ location: EmbedLocation) async {
        shown = nil
        do {
            _ = try await store.remove(Self.storeKey, ifAt: location)
        } catch {
            logger.error("could not save that the nodes board is gone", metadata: ["error": "\(error)"])
        }
    }
}
