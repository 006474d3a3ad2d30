import DiscordModels
import GameQuery
import Logging
import Monitoring
import PanelCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Keeps every tracked status message in step with the monitor's observations: decides which messages changed
/// meaningfully, edits only those, and repairs what Discord broke (reposts past the edit limit, drops deleted
/// messages). Also serves the interaction handler (track, refresh, purge).
///
/// Updates of one server never interleave: a cycle's edit, a button's refresh, a re-select, a repost and a drop
/// of the same server take turns, and each re-reads the stored location when its turn comes.
public actor StatusMessageUpdater<C: Clock>: ObservationConsumer where C.Duration == Duration {
    private struct Shown {
        var value: ChangeDetector.Shown
        var at: C.Instant
    }

    /// What one server's update did.
    private enum Outcome: Sendable {
        case unchanged
        case edited(ChangeDetector.Reason, droppedRemoved: Bool)
        case reposted
        case dropped
        case failed
    }

    private let configuration: StatusUpdaterConfiguration
    /// Weak: the monitor keeps this updater as a consumer, and a strong reference back would keep both alive.
    private weak let monitor: (any ServerObserving)?
    private let sink: any StatusMessageSink
    private let store: EmbedStore
    private let graphs: any StatusGraphing
    private let players: (any PlayerCountReading)?
    private let builder: StatusEmbedBuilder
    private var detector: ChangeDetector
    private let clock: C
    private let wallClock: @Sendable () -> Date
    private let logger: Logger

    private var shown: [ServerID: Shown] = [:]
    private var channelBlockedUntil: [ChannelID: (until: C.Instant, backoff: Duration)] = [:]
    private var turns = ServerTurns()
    private var history: [CycleReport] = []

    /// Creates the updater.
    /// - Parameters:
    ///   - configuration: Thresholds and limits.
    ///   - monitor: Polls between cycles (track, refresh) and lists servers.
    ///   - sink: Where status messages go.
    ///   - store: Tracked messages, persisted.
    ///   - graphs: Graph drawing (the ``GraphSampleRecorder`` fills the series).
    ///   - clock: Drives the change rules and back-offs (a manual clock in tests).
    ///   - wallClock: The time shown when a server was never sampled.
    ///   - logger: Logger; the updater owns info-level messages about status messages.
    public init(
        configuration: StatusUpdaterConfiguration,
        monitor: any ServerObserving,
        sink: any StatusMessageSink,
        store: EmbedStore,
        graphs: any StatusGraphing,
        players: (any PlayerCountReading)? = nil,
        clock: C,
        wallClock: @escaping @Sendable () -> Date = { Date() },
        logger: Logger
    ) {
        self.configuration = configuration
        self.players = players
        self.monitor = monitor
        self.sink = sink
        self.store = store
        self.graphs = graphs
        self.builder = StatusEmbedBuilder(updateInterval: configuration.updateInterval)
        self.detector = ChangeDetector(
            cpuChangeThreshold: configuration.cpuChangeThreshold,
            forceUpdateInterval: configuration.forceUpdateInterval,
            playersStep: configuration.playersChangeStep
        )
        self.clock = clock
        self.wallClock = wallClock
        self.logger = logger
    }

    // MARK: - Consumer

    /// The servers with a status message.
    public func watchedServers() async -> Set<ServerID> {
        Set(await store.all.keys)
    }

    /// Puts a new CPU change threshold in force (a configuration reload).
    /// - Parameter cpuChangeThreshold: Percentage points of CPU that make a change worth an edit.
    public func apply(cpuChangeThreshold: Double) {
        detector.cpuChangeThreshold = cpuChangeThreshold
    }

    /// Edits the messages whose server changed meaningfully in a cycle; on-demand polls are handled by whoever
    /// asked for them.
    public func consume(_ observation: Observation) async {
        guard case .cycle = observation.origin else { return }
        let started = clock.now
        var report = await update(observation.servers, force: false)
        report.panelRequests = observation.panelRequests
        report.panelDuration = observation.panelDuration
        report.duration = observation.panelDuration + started.duration(to: clock.now)
        history.append(report)
        if history.count > configuration.historyLength {
            history.removeFirst(history.count - configuration.historyLength)
        }
        if report.edited + report.reposted + report.dropped + report.failed > 0 {
            logger.debug(
                "cycle done",
                metadata: [
                    "cycle.tracked": "\(report.tracked)", "cycle.edited": "\(report.edited)",
                    "cycle.failed": "\(report.failed)", "cycle.dropped": "\(report.dropped)",
                ]
            )
        }
    }

    // MARK: - Interaction entry points

    /// Posts a new status message for `server` in `channel`; the message tracked before is deleted only once the
    /// new one is posted and stored, so a failure never loses both.
    /// - Returns: The new message's ID.
    /// - Throws: ``MessageSinkError`` when Discord refuses the message, ``PanelFailure`` when the server is unknown.
    @discardableResult
    public func track(_ server: ServerID, in channel: ChannelID) async throws -> MessageID {
        try await inTurn(of: server) {
            try await self.postTracked(server, in: channel)
        }
    }

    /// Polls `server` and edits its message now, ignoring the change rules (after a power button).
    /// - Returns: What the update did.
    @discardableResult
    public func refresh(_ server: ServerID) async -> CycleReport {
        await refresh([server])
    }

    /// Polls every tracked server and edits every message now, ignoring the change rules (`/refresh_embeds`).
    /// - Returns: Counts of edited, re-posted and dropped messages.
    @discardableResult
    public func refreshAll() async -> CycleReport {
        await refresh(Set(await store.all.keys))
    }

    /// Deletes every tracked message and empties the store (`/purge_embeds`).
    /// - Returns: How many messages were deleted and how many could not be.
    public func purgeAll() async -> (deleted: Int, failed: Int) {
        var deleted = 0
        var failed = 0
        for server in await store.all.keys.sorted() {
            let gone = await inTurn(of: server) { () async -> Bool? in
                guard let location = await self.store.location(for: server) else { return nil }
                do {
                    try await self.sink.deleteMessage(location.messageID, in: location.channelID)
                } catch MessageSinkError.messageGone, MessageSinkError.channelGone {
                } catch {
                    self.logger.warning(
                        "could not delete status message",
                        metadata: self.metadata(server, location, error)
                    )
                    return false
                }
                await self.drop(server, at: location)
                return true
            }
            switch gone {
            case true?: deleted += 1
            case false?: failed += 1
            case nil: break
            }
        }
        return (deleted, failed)
    }

    /// Recent cycles, oldest first (for `/bot_status`).
    public var recentCycles: [CycleReport] { history }

    /// Updates waiting for another update of the same server to finish (tests await this instead of sleeping).
    var waitingForTurn: Int { turns.waitingCount }

    /// What the updater keeps per server and per channel, to check it stays bounded.
    var retainedState: (shown: Int, blockedChannels: Int) { (shown.count, channelBlockedUntil.count) }

    // MARK: - Updating

    private func refresh(_ servers: Set<ServerID>) async -> CycleReport {
        guard let monitor else { return CycleReport() }
        let observed = await monitor.observe(servers)
        return await update(observed, force: true)
    }

    /// Updates the tracked servers among `observed` whose message needs an edit, `editConcurrency` at a time.
    private func update(_ observed: [ServerID: ServerObservation], force: Bool) async -> CycleReport {
        let tracked = await store.all
        var report = CycleReport()
        report.tracked = tracked.count
        report.panelErrors = observed.values.count { $0.failure != nil }
        var candidates: [ServerID] = []
        for id in observed.keys.sorted() {
            guard let location = tracked[id], let observation = observed[id] else { continue }
            // A cheap first look outside the server's turn; the turn decides again on what it finds then.
            let needsEdit =
                force ? !isBlocked(location) : await reasonToEdit(id, at: location, with: observation) != nil
            if needsEdit { candidates.append(id) }
        }
        var remaining = candidates.makeIterator()
        await withTaskGroup(of: Outcome.self) { group in
            for _ in 0..<max(1, configuration.editConcurrency) {
                guard let id = remaining.next(), let observation = observed[id] else { break }
                group.addTask { await self.updateInTurn(id, with: observation, force: force) }
            }
            for await outcome in group {
                Self.add(outcome, to: &report)
                if let id = remaining.next(), let observation = observed[id] {
                    group.addTask { await self.updateInTurn(id, with: observation, force: force) }
                }
            }
        }
        return report
    }

    /// Why the message of `id` at `location` should be edited now, or `nil` (also while its channel backs off).
    private func reasonToEdit(_ id: ServerID, at location: EmbedLocation, with observation: ServerObservation) async
        -> ChangeDetector.Reason?
    {
        guard !isBlocked(location) else { return nil }
        let now = clock.now
        let snapshot = await self.snapshot(of: observation)
        let hasGraph = snapshot.state == .running ? await graphs.hasEnoughData(for: id) : false
        let previous = shown[id]
        return detector.reasonToEdit(
            shown: previous?.value,
            current: shownValue(snapshot, hadGraph: hasGraph),
            sinceLastEdit: previous.map { $0.at.duration(to: now) } ?? .zero
        )
    }

    /// True while Discord denied access to the location's channel and its back-off runs.
    private func isBlocked(_ location: EmbedLocation) -> Bool {
        guard let blocked = channelBlockedUntil[location.channelID] else { return false }
        return blocked.until > clock.now
    }

    private static func add(_ outcome: Outcome, to report: inout CycleReport) {
        switch outcome {
        case .unchanged: break
        case .edited(let reason, let droppedRemoved):
            report.edited += 1
            report.editReasons[reason.kind, default: 0] += 1
            if droppedRemoved { report.dropped += 1 }
        case .reposted: report.reposted += 1
        case .dropped: report.dropped += 1
        case .failed: report.failed += 1
        }
    }

    private func updateInTurn(_ id: ServerID, with observation: ServerObservation, force: Bool) async -> Outcome {
        await inTurn(of: id) { await self.updateMessage(of: id, with: observation, force: force) }
    }

    /// Edits one server's message when the change rules (or `force`) say so. Runs in the server's turn.
    private func updateMessage(of id: ServerID, with observation: ServerObservation, force: Bool) async -> Outcome {
        guard let location = await store.location(for: id) else { return .unchanged }
        guard !isBlocked(location) else { return .unchanged }
        let reason = force ? .requested : await reasonToEdit(id, at: location, with: observation)
        guard let reason else { return .unchanged }

        let snapshot = await self.snapshot(of: observation)
        let message = await render(snapshot)
        do {
            try await sink.editMessage(location.messageID, in: location.channelID, message.outgoing)
        } catch let error as MessageSinkError {
            return await handle(error, of: id, at: location, resending: message)
        } catch {
            return await handle(.failed(String(describing: error)), of: id, at: location, resending: message)
        }
        channelBlockedUntil[location.channelID] = nil
        shown[id] = Shown(value: message.shown, at: clock.now)
        logger.trace("edited status message", metadata: ["panel.server": "\(id)", "reason": "\(reason)"])
        guard snapshot.state == .removed else { return .edited(reason, droppedRemoved: false) }
        logger.info(
            "server was removed from the panel; stopped tracking its message",
            metadata: ["panel.server": "\(id)"]
        )
        await drop(id, at: location)
        return .edited(reason, droppedRemoved: true)
    }

    private func handle(
        _ error: MessageSinkError,
        of id: ServerID,
        at location: EmbedLocation,
        resending message: RenderedMessage
    ) async -> Outcome {
        switch error {
        case .messageGone, .channelGone:
            logger.info(
                "status message or its channel was deleted; stopped tracking it",
                metadata: metadata(id, location, nil)
            )
            await drop(id, at: location)
            return .dropped
        case .missingAccess(let code):
            let previous = channelBlockedUntil[location.channelID]?.backoff
            let backoff =
                previous.map { min($0 * 2, configuration.maximumChannelBackoff) } ?? configuration.channelBackoff
            channelBlockedUntil[location.channelID] = (clock.now.advanced(by: backoff), backoff)
            if previous == nil {
                logger.error(
                    """
                    the bot lacks access to a channel (Discord \(code)); give it View Channel, Send Messages, \
                    Embed Links and Attach Files there. Retrying later.
                    """,
                    metadata: metadata(id, location, nil)
                )
            }
            return .failed
        case .tooManyEditsToOldMessage:
            return await repost(id, from: location, message)
        default:
            logger.warning(
                "could not edit status message; retrying next cycle",
                metadata: metadata(id, location, error)
            )
            return .failed
        }
    }

    /// Discord limits edits to messages older than an hour (30046): post a fresh message, then delete the old one.
    private func repost(_ id: ServerID, from location: EmbedLocation, _ message: RenderedMessage) async -> Outcome {
        let newID: MessageID
        do {
            newID = try await sink.createMessage(in: location.channelID, message.outgoing)
        } catch {
            logger.warning("could not re-post status message", metadata: metadata(id, location, error))
            return .failed
        }
        let replacement = EmbedLocation(channelID: location.channelID, messageID: newID)
        guard await store(replacement, for: id, replacing: location) else {
            await deleteQuietly(replacement)
            return .failed
        }
        await deleteQuietly(location)
        shown[id] = Shown(value: message.shown, at: clock.now)
        logger.info(
            "re-posted a status message Discord no longer lets us edit",
            metadata: metadata(id, location, nil)
        )
        return .reposted
    }

    private func postTracked(_ id: ServerID, in channel: ChannelID) async throws -> MessageID {
        guard let monitor else { throw CancellationError() }  // the services are being torn down
        guard try await monitor.listedServer(id) != nil else {
            throw PanelFailure(.notFound, detail: "no server \(id) on the panel")
        }
        guard let observation = await monitor.observe([id])[id] else { throw CancellationError() }
        let message = await render(await self.snapshot(of: observation))
        let messageID = try await sink.createMessage(in: channel, message.outgoing)
        let old = await store.location(for: id)
        let location = EmbedLocation(channelID: channel, messageID: messageID)
        guard await store(location, for: id, replacing: old) else {
            await deleteQuietly(location)
            throw MessageSinkError.failed("the status message changed while it was being posted; try again")
        }
        if let old { await deleteQuietly(old) }
        shown[id] = Shown(value: message.shown, at: clock.now)
        logger.info(
            "tracking new status message",
            metadata: ["panel.server": "\(id)", "discord.channel": "\(channel)", "discord.message": "\(messageID)"]
        )
        return messageID
    }

    // MARK: - Rendering

    private struct RenderedMessage {
        var outgoing: OutgoingMessage
        var shown: ChangeDetector.Shown
    }

    private func render(_ snapshot: ServerSnapshot) async -> RenderedMessage {
        let graph = snapshot.state == .running ? await graphs.graph(for: snapshot.server) : nil
        return RenderedMessage(
            outgoing: builder.message(for: snapshot, graphPNG: graph),
            shown: shownValue(snapshot, hadGraph: graph != nil)
        )
    }

    private func shownValue(_ snapshot: ServerSnapshot, hadGraph: Bool) -> ChangeDetector.Shown {
        ChangeDetector.Shown(
            state: snapshot.state,
            cpuPercent: snapshot.isStale ? nil : snapshot.resources.flatMap { $0.reports(.cpu) ? $0.cpuAbsolute : nil },
            hadGraph: hadGraph,
            isStale: snapshot.isStale,
            players: snapshot.state == .running ? snapshot.players?.online : nil
        )
    }

    /// What the message of `observation`'s server shows now, with its player count when known.
    private func snapshot(of observation: ServerObservation) async -> ServerSnapshot {
        var snapshot = ServerSnapshot(observation, now: wallClock())
        if snapshot.state == .running, let players {
            snapshot.players = await players.playerCount(of: observation.server.id)
        }
        return snapshot
    }

    // MARK: - Turns

    /// Runs `body` when it is `server`'s turn; updates of one server never interleave.
    private func inTurn<T: Sendable>(of server: ServerID, _ body: () async throws -> T) async rethrows -> T {
        while !turns.take(server) {
            await withCheckedContinuation { turns.wait(for: server, $0) }
        }
        defer { turns.release(server)?.resume() }
        return try await body()
    }

    // MARK: - Store

    /// Stores `location` only if the server is still at `expected` (compare-and-set), saving the store.
    private func store(_ location: EmbedLocation, for server: ServerID, replacing expected: EmbedLocation?) async
        -> Bool
    {
        do {
            return try await store.replace(server, expected: expected, with: location)
        } catch {
            logSaveFailure(error)
            return true  // the in-memory store has the change; the next save writes it
        }
    }

    /// Forgets `server` if it is still at `location`; a message posted meanwhile stays tracked.
    private func drop(_ server: ServerID, at location: EmbedLocation) async {
        do {
            guard try await store.remove(server, ifAt: location) else { return }
        } catch {
            logSaveFailure(error)
        }
        shown[server] = nil
        await graphs.forget(server)
        // A back-off for a channel that no longer holds a tracked message would be kept forever.
        let channels = Set(await store.all.values.map(\.channelID))
        channelBlockedUntil = channelBlockedUntil.filter { channels.contains($0.key) }
    }

    private func deleteQuietly(_ location: EmbedLocation) async {
        do {
            try await sink.deleteMessage(location.messageID, in: location.channelID)
        } catch {
            logger.debug("old status message could not be deleted", metadata: ["error": "\(error)"])
        }
    }

    private func logSaveFailure(_ error: any Error) {
        logger.error("could not save the embed store; will retry on the next change", metadata: ["error": "\(error)"])
    }

    private func metadata(_ server: ServerID, _ location: EmbedLocation, _ error: (any Error)?) -> Logger.Metadata {
        var meta: Logger.Metadata = [
            "panel.server": "\(server)", "discord.channel": "\(location.channelID)",
            "discord.message": "\(location.messageID)",
        ]
        if let error { meta["error"] = "\(error)" }
        return meta
    }
}
