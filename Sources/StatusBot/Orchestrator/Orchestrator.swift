import DiscordModels
import Logging
import Pterodactyl
import ServiceLifecycle

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The update loop: polls the panel, decides which status messages changed meaningfully, edits only those,
/// and repairs what Discord or the panel broke. Also serves the interaction handler (track, refresh, purge).
///
/// Cycles never overlap: ``run()`` awaits each ``tick()`` before sleeping `updateInterval` on the injected clock.
public actor Orchestrator<C: Clock>: Service where C.Duration == Duration {
    private struct Shown {
        var value: ChangeDetector.Shown
        var at: C.Instant
    }

    private struct EditJob: Sendable {
        var server: ServerID
        var location: EmbedLocation
        var snapshot: ServerSnapshot
        var reason: ChangeDetector.Reason
    }

    private enum EditOutcome: Sendable {
        case edited(hadGraph: Bool)
        case failed(MessageSinkError)
    }

    private let configuration: OrchestratorConfiguration
    private let panel: any PanelClient
    private let sink: any StatusMessageSink
    private let store: EmbedStore
    private let graphs: any StatusGraphing
    private let builder: StatusEmbedBuilder
    private let detector: ChangeDetector
    private let clock: C
    private let wallClock: @Sendable () -> Date
    private let onCycleCompleted: @Sendable (CycleReport) async -> Void
    private var logger: Logger

    private var shown: [ServerID: Shown] = [:]
    private var lastResources: [ServerID: ServerResources] = [:]
    private var knownServers: [ServerID: PanelServer] = [:]
    private var observedAt: [ServerID: Date] = [:]
    private var channelBlockedUntil: [ChannelID: (until: C.Instant, backoff: Duration)] = [:]
    private var history: [CycleReport] = []
    private var budgetWarned = false

    /// Creates the orchestrator.
    /// - Parameters:
    ///   - configuration: Timing and thresholds.
    ///   - panel: Where server data comes from.
    ///   - sink: Where status messages go.
    ///   - store: Tracked messages, persisted.
    ///   - graphs: Metric series and graph drawing.
    ///   - clock: Drives the loop and the change rules (a manual clock in tests).
    ///   - wallClock: Timestamps shown in embeds and graphs.
    ///   - logger: Logger; the orchestrator owns info-level messages about embeds.
    ///   - onCycleCompleted: Called after every cycle (writes the health file).
    public init(
        configuration: OrchestratorConfiguration,
        panel: any PanelClient,
        sink: any StatusMessageSink,
        store: EmbedStore,
        graphs: any StatusGraphing,
        clock: C,
        wallClock: @escaping @Sendable () -> Date = { Date() },
        logger: Logger,
        onCycleCompleted: @escaping @Sendable (CycleReport) async -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.panel = panel
        self.sink = sink
        self.store = store
        self.graphs = graphs
        self.builder = StatusEmbedBuilder(updateInterval: configuration.updateInterval)
        self.detector = ChangeDetector(
            cpuChangeThreshold: configuration.cpuChangeThreshold,
            forceUpdateInterval: configuration.forceUpdateInterval
        )
        self.clock = clock
        self.wallClock = wallClock
        self.logger = logger
        self.onCycleCompleted = onCycleCompleted
    }

    // MARK: - Loop

    /// Runs cycles until graceful shutdown or cancellation; the cycle in flight finishes first.
    public func run() async throws {
        while !Task.isShuttingDownGracefully {
            await tick()
            let clock = self.clock
            let interval = configuration.updateInterval
            do {
                try await cancelWhenGracefulShutdown { try await clock.sleep(for: interval) }
            } catch is CancellationError where Task.isShuttingDownGracefully {
                break
            }
        }
        try await store.flush()
    }

    /// One cycle: poll the panel for every tracked server and edit the messages that changed meaningfully.
    /// - Returns: What the cycle did.
    @discardableResult
    public func tick() async -> CycleReport {
        let report = await update(servers: nil, force: false)
        history.append(report)
        if history.count > configuration.historyLength {
            history.removeFirst(history.count - configuration.historyLength)
        }
        await onCycleCompleted(report)
        return report
    }

    // MARK: - Interaction entry points

    /// Posts a new status message for `server` in `channel`, replacing (deleting) the one tracked before.
    /// - Returns: The new message's ID.
    /// - Throws: ``MessageSinkError`` when Discord refuses the message, ``PanelError`` when the server is unknown.
    @discardableResult
    public func track(_ server: ServerID, in channel: ChannelID) async throws -> MessageID {
        let panelServer = try await panelServer(for: server)
        let snapshot = await snapshot(of: panelServer, result: await fetchResources(server), listFailed: nil)
        let graph = snapshot.state == .running ? await graphs.graph(for: panelServer) : nil
        let message = builder.message(for: snapshot, graphPNG: graph)
        if let old = await store.location(for: server) {
            await deleteQuietly(old)
        }
        let messageID = try await sink.createMessage(in: channel, message)
        shown[server] = Shown(value: shownValue(snapshot, hadGraph: graph != nil), at: clock.now)
        await persist { try await $0.set(EmbedLocation(channelID: channel, messageID: messageID), for: server) }
        logger.info(
            "tracking new status message",
            metadata: ["ptero.server": "\(server)", "discord.channel": "\(channel)", "discord.message": "\(messageID)"]
        )
        return messageID
    }

    /// Edits `server`'s message now, ignoring the change rules (after a power button).
    /// - Returns: What the update did.
    @discardableResult
    public func refresh(_ server: ServerID) async -> CycleReport {
        await update(servers: [server], force: true)
    }

    /// Edits every tracked message now, ignoring the change rules (`/refresh_embeds`).
    /// - Returns: Counts of edited, re-posted and dropped messages.
    @discardableResult
    public func refreshAll() async -> CycleReport {
        await update(servers: nil, force: true)
    }

    /// Deletes every tracked message and empties the store (`/purge_embeds`).
    /// - Returns: How many messages were deleted and how many could not be.
    public func purgeAll() async -> (deleted: Int, failed: Int) {
        let all = await store.all
        var deleted = 0
        var failed = 0
        for (server, location) in all {
            do {
                try await sink.deleteMessage(location.messageID, in: location.channelID)
                deleted += 1
            } catch MessageSinkError.messageGone, MessageSinkError.channelGone {
                deleted += 1
            } catch {
                failed += 1
                logger.warning("could not delete status message", metadata: metadata(server, location, error))
            }
            await forgetState(of: server)
        }
        await persist { try await $0.removeAll() }
        return (deleted, failed)
    }

    /// Recent cycles, oldest first (for `/bot_status`).
    public var recentCycles: [CycleReport] { history }

    /// The servers the panel listed last (for `/server_status`).
    public var listedServers: [PanelServer] { knownServers.values.sorted { $0.name < $1.name } }

    // MARK: - The update itself

    /// Polls and edits `servers` (all tracked when `nil`); `force` edits even without a meaningful change.
    private func update(servers: Set<ServerID>?, force: Bool) async -> CycleReport {
        let started = clock.now
        var report = CycleReport()
        var tracked = await store.all
        if let servers { tracked = tracked.filter { servers.contains($0.key) } }
        report.tracked = tracked.count

        var listError: PanelError?
        do {
            for server in try await panel.servers(forceRefresh: false) { knownServers[server.id] = server }
        } catch let error as PanelError {
            listError = error
            logOnce(error)
        } catch {
            return report  // cancelled: leave everything as it is
        }
        if !budgetWarned,
            let warning = panel.budgetWarning(forServerCount: tracked.count, interval: configuration.updateInterval)
        {
            budgetWarned = true
            logger.warning("\(warning)")
        }

        let ids = tracked.keys.sorted()
        let panelStarted = clock.now
        var results: [ServerID: Result<ServerResources, PanelError>] = [:]
        if let listError, listError.derivedState == .panelUnreachable {
            for id in ids { results[id] = .failure(listError) }
        } else if !ids.isEmpty {
            do {
                results = try await panel.resources(of: ids)
            } catch {
                return report
            }
            report.panelRequests = ids.count
        }
        report.panelDuration = panelStarted.duration(to: clock.now)

        var jobs: [EditJob] = []
        let now = clock.now
        for id in ids {
            guard let location = tracked[id] else { continue }
            let result = results[id] ?? .failure(.panelUnreachable(reason: "no answer"))
            if case .failure(let error) = result {
                report.panelErrors += 1
                logOnce(error, server: id)
            }
            if let blocked = channelBlockedUntil[location.channelID], blocked.until > now { continue }
            let server = knownServers[id] ?? PanelServer(id: id, uuid: "", name: id.rawValue)
            let snapshot = await snapshot(of: server, result: result, listFailed: listError)
            let hasGraph = snapshot.state == .running ? await graphs.hasEnoughData(for: id) : false
            let current = shownValue(snapshot, hadGraph: hasGraph)
            let previous = shown[id]
            let sinceLastEdit = previous.map { $0.at.duration(to: now) } ?? .zero
            let reason =
                force
                ? .requested
                : detector.reasonToEdit(shown: previous?.value, current: current, sinceLastEdit: sinceLastEdit)
            if let reason {
                jobs.append(EditJob(server: id, location: location, snapshot: snapshot, reason: reason))
            }
        }

        let outcomes = await perform(jobs)
        for (job, outcome) in zip(jobs, outcomes) {
            await apply(outcome, of: job, report: &report)
        }
        if listError == nil && report.panelErrors == 0 && !loggedErrors.isEmpty && servers == nil {
            loggedErrors.removeAll()
            logger.info("panel answers again; all tracked servers are up to date")
        }
        report.duration = started.duration(to: clock.now)
        if report.edited + report.reposted + report.dropped + report.failed > 0 {
            logger.debug(
                "cycle done",
                metadata: [
                    "cycle.tracked": "\(report.tracked)", "cycle.edited": "\(report.edited)",
                    "cycle.failed": "\(report.failed)", "cycle.dropped": "\(report.dropped)",
                ]
            )
        }
        return report
    }

    /// Renders graphs and sends the edits, `editConcurrency` at a time, outside the actor's state.
    private func perform(_ jobs: [EditJob]) async -> [EditOutcome] {
        let sink = self.sink
        let graphs = self.graphs
        let builder = self.builder
        return await withTaskGroup(of: (Int, EditOutcome).self) { group in
            var outcomes = [EditOutcome](repeating: .failed(.failed("not attempted")), count: jobs.count)
            var next = 0
            func addNext() {
                guard next < jobs.count else { return }
                let index = next
                let job = jobs[index]
                next += 1
                group.addTask {
                    let graph = job.snapshot.state == .running ? await graphs.graph(for: job.snapshot.server) : nil
                    let message = builder.message(for: job.snapshot, graphPNG: graph)
                    do {
                        try await sink.editMessage(job.location.messageID, in: job.location.channelID, message)
                        return (index, .edited(hadGraph: graph != nil))
                    } catch let error as MessageSinkError {
                        return (index, .failed(error))
                    } catch {
                        return (index, .failed(.failed(String(describing: error))))
                    }
                }
            }
            for _ in 0..<max(1, configuration.editConcurrency) { addNext() }
            for await (index, outcome) in group {
                outcomes[index] = outcome
                addNext()
            }
            return outcomes
        }
    }

    private func apply(_ outcome: EditOutcome, of job: EditJob, report: inout CycleReport) async {
        let id = job.server
        let location = job.location
        switch outcome {
        case .edited(let hadGraph):
            report.edited += 1
            report.editReasons[job.reason.kind, default: 0] += 1
            channelBlockedUntil[location.channelID] = nil
            shown[id] = Shown(value: shownValue(job.snapshot, hadGraph: hadGraph), at: clock.now)
            logger.trace("edited status message", metadata: ["ptero.server": "\(id)", "reason": "\(job.reason)"])
            if job.snapshot.state == .removed {
                logger.info(
                    "server was removed from the panel; stopped tracking its message",
                    metadata: ["ptero.server": "\(id)"]
                )
                report.dropped += 1
                await drop(id)
            }
        case .failed(.messageGone), .failed(.channelGone):
            logger.info(
                "status message or its channel was deleted; stopped tracking it",
                metadata: metadata(id, location, nil)
            )
            report.dropped += 1
            await drop(id)
        case .failed(.missingAccess(let code)):
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
            report.failed += 1
        case .failed(.tooManyEditsToOldMessage):
            await repost(job, report: &report)
        case .failed(let error):
            report.failed += 1
            logger.warning(
                "could not edit status message; retrying next cycle",
                metadata: metadata(id, location, error)
            )
        }
    }

    /// Discord limits edits to messages older than an hour (30046): post a fresh message and delete the old one.
    private func repost(_ job: EditJob, report: inout CycleReport) async {
        let graph = job.snapshot.state == .running ? await graphs.graph(for: job.snapshot.server) : nil
        let message = builder.message(for: job.snapshot, graphPNG: graph)
        do {
            let newID = try await sink.createMessage(in: job.location.channelID, message)
            await deleteQuietly(job.location)
            shown[job.server] = Shown(value: shownValue(job.snapshot, hadGraph: graph != nil), at: clock.now)
            await persist {
                try await $0.set(EmbedLocation(channelID: job.location.channelID, messageID: newID), for: job.server)
            }
            report.reposted += 1
            logger.info(
                "re-posted a status message Discord no longer lets us edit",
                metadata: metadata(job.server, job.location, nil)
            )
        } catch {
            report.failed += 1
            logger.warning("could not re-post status message", metadata: metadata(job.server, job.location, error))
        }
    }

    // MARK: - Snapshots

    private func snapshot(
        of server: PanelServer,
        result: Result<ServerResources, PanelError>,
        listFailed: PanelError?
    ) async -> ServerSnapshot {
        let id = server.id
        switch result {
        case .success(let resources):
            let state = server.conflictState ?? resources.state
            let isNewSample = lastResources[id].map { !resources.isSameSample(as: $0) } ?? true
            if isNewSample {
                let time = wallClock()
                observedAt[id] = time
                if resources.state == .running {
                    await graphs.record(resources, for: server, at: time)
                } else {
                    await graphs.forget(id)
                }
            }
            lastResources[id] = resources
            return ServerSnapshot(
                server: server,
                state: state,
                resources: resources,
                isStale: false,
                observedAt: observedAt[id] ?? wallClock()
            )
        case .failure(let error):
            let state = error.derivedState ?? server.conflictState ?? shown[id]?.value.state ?? .panelUnreachable
            return ServerSnapshot(
                server: server,
                state: state,
                resources: ChangeDetector.isStale(state) ? lastResources[id] : nil,
                isStale: ChangeDetector.isStale(state),
                observedAt: observedAt[id] ?? wallClock()
            )
        }
    }

    private func shownValue(_ snapshot: ServerSnapshot, hadGraph: Bool) -> ChangeDetector.Shown {
        ChangeDetector.Shown(
            state: snapshot.state,
            cpuPercent: snapshot.isStale ? nil : snapshot.resources?.cpuAbsolute,
            hadGraph: hadGraph
        )
    }

    private func fetchResources(_ id: ServerID) async -> Result<ServerResources, PanelError> {
        do {
            return .success(try await panel.resources(of: id))
        } catch let error as PanelError {
            return .failure(error)
        } catch {
            return .failure(.panelUnreachable(reason: "cancelled"))
        }
    }

    private func panelServer(for id: ServerID) async throws -> PanelServer {
        if let known = knownServers[id] { return known }
        for server in try await panel.servers(forceRefresh: true) { knownServers[server.id] = server }
        guard let server = knownServers[id] else { throw PanelError.notFound(detail: "no server \(id) on the panel") }
        return server
    }

    // MARK: - Helpers

    private func drop(_ server: ServerID) async {
        await forgetState(of: server)
        await persist { try await $0.remove(server) }
    }

    private func forgetState(of server: ServerID) async {
        shown[server] = nil
        lastResources[server] = nil
        observedAt[server] = nil
        await graphs.forget(server)
    }

    private func deleteQuietly(_ location: EmbedLocation) async {
        do {
            try await sink.deleteMessage(location.messageID, in: location.channelID)
        } catch {
            logger.debug("old status message could not be deleted", metadata: ["error": "\(error)"])
        }
    }

    /// Runs a store change; a failed save is logged (the in-memory store already has the change and the next
    /// save writes it).
    private func persist(_ change: @Sendable (EmbedStore) async throws -> Void) async {
        do {
            try await change(store)
        } catch {
            logger.error(
                "could not save the embed store; will retry on the next change",
                metadata: ["error": "\(error)"]
            )
        }
    }

    private var loggedErrors: Set<String> = []

    /// Logs a panel error once per distinct message until it clears, so an outage does not flood the log.
    private func logOnce(_ error: PanelError, server: ServerID? = nil) {
        let key = "\(error)"
        guard loggedErrors.insert(key).inserted else { return }
        var meta: Logger.Metadata = ["error": "\(error)"]
        if let server { meta["ptero.server"] = "\(server)" }
        if error.isConfigurationError {
            logger.error("panel rejected the bot's key", metadata: meta)
        } else {
            logger.warning("panel problem; affected embeds show it until it clears", metadata: meta)
        }
    }

    private func metadata(_ server: ServerID, _ location: EmbedLocation, _ error: (any Error)?) -> Logger.Metadata {
        var meta: Logger.Metadata = [
            "ptero.server": "\(server)", "discord.channel": "\(location.channelID)",
            "discord.message": "\(location.messageID)",
        ]
        if let error { meta["error"] = "\(error)" }
        return meta
    }
}
