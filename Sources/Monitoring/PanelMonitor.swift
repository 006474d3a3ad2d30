import Logging
import PanelCore
import ServiceLifecycle
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Polls the panel for every server a consumer watches, once per cycle, and publishes one ``Observation`` to
/// every registered ``ObservationConsumer``. Keeps the last known values; knows nothing of Discord.
///
/// Cycles never overlap: ``run()`` awaits each ``cycle()`` (polling and every consumer) before sleeping the
/// update interval on the injected clock. Commands poll a few servers between cycles with ``observe(_:)``.
///
/// - When a consumer ``ObservationConsumer/wantsEveryServer``, each cycle polls every server the panel lists
///   besides the watched ones (the last list when this cycle's fetch fails).
/// - When a consumer ``ObservationConsumer/wantsNodes`` and the backend lists nodes, a cycle fetches the nodes
///   when the last attempt is at least the node refresh interval old (on the injected clock), and every
///   observation carries the last ``NodeListing``.
/// - ``powerActivity(of:since:)`` passes the backend's activity log through to consumers.
/// - ``requestCycle()`` (or the ``CycleRequests`` passed in) starts the next cycle early, for a change worth
///   showing at once (a power state from live stats): requests coalesce, and cycles start at most once per
///   minimum cycle spacing.
public actor PanelMonitor<C: Clock>: Service where C.Duration == Duration {
    private let backend: any PanelBackend
    private let updateInterval: Duration
    private let minimumCycleSpacing: Duration
    private let cycleRequests: CycleRequests
    private let nodeRefreshInterval: Duration
    private let clock: C
    private let wallClock: @Sendable () -> Date
    private let logger: Logger

    private var consumers: [any ObservationConsumer] = []
    private var known: [ServerID: ServerObservation] = [:]
    private var listed: [ServerID: GameServer] = [:]
    private var removals = RemovalConfirmation()
    private var cycleNumber = 0
    private var reportedProblems: Set<String> = []
    private var budgetAdvised = false
    /// When the panel stopped answering, while it does not.
    private var outageSince: Date?
    /// The last node listing, `nil` until the first attempt.
    private var nodeListing: NodeListing?
    /// When nodes were last asked for (success or failure), on the injected clock.
    private var lastNodeAttempt: C.Instant?

    /// Creates a monitor.
    /// - Parameters:
    ///   - backend: The panel.
    ///   - updateInterval: Time between cycles.
    ///   - nodeRefreshInterval: The least time between two node fetches (they cost one Application API request
    ///     per node and listing page); nodes are fetched only while a consumer wants them.
    ///   - clock: Drives the loop and the node refresh (a manual clock in tests).
    ///   - wallClock: Timestamps of samples and node listings.
    ///   - logger: Panel problems are logged once each until they clear.
    ///   - cycleRequests: Early-cycle requests; pass one to let a component made before the monitor (live stats)
    ///     request cycles.
    ///   - minimumCycleSpacing: The least time from one cycle's start to the next when a cycle is requested early.
    public init(
        backend: any PanelBackend,
        updateInterval: Duration,
        nodeRefreshInterval: Duration = .seconds(60),
        clock: C,
        wallClock: @escaping @Sendable () -> Date = { Date() },
        logger: Logger,
        cycleRequests: CycleRequests = CycleRequests(),
        minimumCycleSpacing: Duration = .seconds(1)
    ) {
        self.backend = backend
        self.updateInterval = updateInterval
        self.cycleRequests = cycleRequests
        self.minimumCycleSpacing = minimumCycleSpacing
        self.nodeRefreshInterval = nodeRefreshInterval
        self.clock = clock
        self.wallClock = wallClock
        self.logger = logger
    }

    /// Adds a consumer; it sees every observation from the next poll on.
    /// - Parameter consumer: The consumer.
    public func register(_ consumer: any ObservationConsumer) {
        consumers.append(consumer)
    }

    // MARK: - Loop

    /// Runs cycles until graceful shutdown or cancellation; the cycle in flight finishes first. Between cycles it
    /// waits the update interval, or less when a cycle is requested (``requestCycle()``).
    public func run() async throws {
        while !Task.isShuttingDownGracefully {
            let started = clock.now
            await cycle()
            let clock = self.clock
            let interval = updateInterval
            let earliest = started.advanced(by: minimumCycleSpacing)
            let requests = cycleRequests
            do {
                try await cancelWhenGracefulShutdown {
                    try await Self.pause(clock: clock, interval: interval, earliest: earliest, requests: requests)
                }
            } catch is CancellationError where Task.isShuttingDownGracefully {
                break
            }
        }
    }

    /// Asks for the next cycle to start now rather than after the update interval (but not sooner than the minimum
    /// cycle spacing after the last one started). Many requests before the loop looks make one cycle; a request
    /// during a cycle makes one more after it. Cheap and synchronous: safe to call on every event.
    public nonisolated func requestCycle() {
        cycleRequests.request()
    }

    /// Sleeps `interval`, or until a cycle is requested and `earliest` has passed, whichever comes first.
    private static func pause(clock: C, interval: Duration, earliest: C.Instant, requests: CycleRequests) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await clock.sleep(for: interval) }
            group.addTask {
                await requests.next()
                try await clock.sleep(until: earliest, tolerance: nil)
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// One cycle: poll every watched server and publish the observation to every consumer.
    /// - Returns: The observation.
    @discardableResult
    public func cycle() async -> Observation {
        cycleNumber += 1
        var watched = Set<ServerID>()
        var everyServer = false
        var nodesWanted = false
        for consumer in consumers {
            watched.formUnion(await consumer.watchedServers())
            if await consumer.wantsEveryServer { everyServer = true }
            if await consumer.wantsNodes { nodesWanted = true }
        }
        // Until this cycle's list arrives, the last one stands for "every server" (poll adds the fresh one).
        let expected = everyServer ? watched.union(listed.keys) : watched
        removals.retain(expected)
        known = known.filter { expected.contains($0.key) }
        adviseOnBudget(serverCount: expected.count)
        var observation = await poll(watched, origin: .cycle(cycleNumber), everyListedServer: everyServer)
        if observation.listFailure == nil && observation.failureCount == 0 && !reportedProblems.isEmpty {
            reportedProblems.removeAll()
            logger.info("panel answers again; every watched server is up to date")
        }
        if nodesWanted && backend.capabilities.listsNodes {
            await refreshNodesIfDue()
        }
        observation.nodes = nodeListing
        await publish(observation)
        return observation
    }

    /// Polls `ids` now (between cycles) and publishes the result as an on-demand observation.
    /// - Parameter ids: The servers, for example one page of `/server_status` or a refreshed status message.
    /// - Returns: The observations of `ids`.
    public func observe(_ ids: Set<ServerID>) async -> [ServerID: ServerObservation] {
        guard !ids.isEmpty else { return [:] }
        var observation = await poll(ids, origin: .onDemand)
        observation.nodes = nodeListing
        await publish(observation)
        return observation.servers
    }

    // MARK: - What is known

    /// The last observation of every watched server (and of servers polled on demand since the last cycle).
    public var lastKnown: [ServerID: ServerObservation] { known }

    /// The servers the panel lists, from the backend's cache (refreshed when stale or when asked).
    /// - Parameter forceRefresh: Fetch now.
    /// - Returns: The servers in panel order.
    /// - Throws: ``PanelFailure`` or `CancellationError`.
    public func servers(forceRefresh: Bool) async throws -> [GameServer] {
        let servers = try await backend.servers(forceRefresh: forceRefresh)
        remember(servers)
        return servers
    }

    /// The listed server `id`: from the last list when it has it, otherwise from a freshly fetched list.
    /// - Parameter id: The server.
    /// - Returns: The server, or `nil` when the panel does not list it.
    /// - Throws: ``PanelFailure`` or `CancellationError`.
    public func listedServer(_ id: ServerID) async throws -> GameServer? {
        if let server = listed[id] { return server }
        remember(try await backend.servers(forceRefresh: true))
        return listed[id]
    }

    /// Power actions the panel logged for a server since `since`, newest first: the backend's activity log, for
    /// consumers that tell a requested stop from a crash. Not cached; each call costs the backend's requests.
    /// - Parameters:
    ///   - id: The server.
    ///   - since: The earliest entry wanted.
    /// - Returns: The entries.
    /// - Throws: ``PanelFailure`` (`unsupported` without an activity log, `keyRefused` when the key may not read
    ///   it) or `CancellationError`.
    public func powerActivity(of id: ServerID, since: Date) async throws -> [PowerActivity] {
        try await backend.powerActivity(of: id, since: since)
    }

    // MARK: - Nodes

    /// Fetches the nodes when the last attempt is at least ``nodeRefreshInterval`` old; a failure keeps the
    /// previous listing, marked with it.
    private func refreshNodesIfDue() async {
        let now = clock.now
        if let lastNodeAttempt, lastNodeAttempt.duration(to: now) < nodeRefreshInterval { return }
        lastNodeAttempt = now
        do {
            let nodes = try await backend.nodes()
            if nodeListing?.failure != nil { logger.debug("the panel lists its nodes again") }
            nodeListing = NodeListing(nodes: nodes, fetchedAt: wallClock())
        } catch let failure as PanelFailure {
            if nodeListing?.failure?.detail != failure.detail {
                logger.warning("the panel's nodes could not be listed", metadata: ["error": "\(failure)"])
            }
            nodeListing = NodeListing(
                nodes: nodeListing?.nodes ?? [],
                fetchedAt: nodeListing?.fetchedAt,
                failure: failure
            )
        } catch {
            // Cancelled: keep what is known; the next cycle asks again.
            lastNodeAttempt = nil
        }
    }

    // MARK: - Polling

    private func poll(
        _ watched: Set<ServerID>,
        origin: Observation.Origin,
        everyListedServer: Bool = false
    ) async -> Observation {
        var listFailure: PanelFailure?
        // Cycles keep the list current; a poll between cycles uses what they found.
        if origin != .onDemand {
            do {
                remember(try await backend.servers(forceRefresh: false))
            } catch let failure as PanelFailure {
                listFailure = failure
                report(failure, server: nil)
            } catch {
                return Observation(origin: origin, observedAt: wallClock(), servers: [:])  // cancelled
            }
        }
        // The list just fetched, or the last one when this fetch failed.
        let ids = everyListedServer ? watched.union(listed.keys) : watched
        let sorted = ids.sorted()
        let started = clock.now
        var results: [ServerID: Result<ServerResources, PanelFailure>] = [:]
        var requests = 0
        if let listFailure, listFailure.kind == .panelUnreachable {
            // The panel is down: asking for every server would only pile up timeouts.
            for id in sorted { results[id] = .failure(listFailure) }
        } else if !sorted.isEmpty {
            // While the panel is down, one server probes it; the rest are asked once it answers again.
            let probing = origin != .onDemand && outageSince != nil
            var pending = sorted[...]
            do {
                if probing, let probe = pending.popFirst() {
                    results = try await backend.usage(of: [probe])
                    requests += 1
                    if let failure = results[probe]?.failure, failure.kind == .panelUnreachable {
                        for id in pending { results[id] = .failure(failure) }
                        pending = []
                    }
                }
                if !pending.isEmpty {
                    results.merge(try await backend.usage(of: Array(pending))) { $1 }
                    requests += pending.count
                }
            } catch {
                return Observation(origin: origin, observedAt: wallClock(), servers: [:])  // cancelled
            }
        }
        let duration = started.duration(to: clock.now)
        if origin != .onDemand { noteOutage(listFailure: listFailure, results: results) }

        var needsConfirmation: [ServerID] = []
        for id in sorted where removals.record(id, failure: results[id]?.failure) {
            needsConfirmation.append(id)
        }
        let confirmedRemoved = await confirmRemoval(of: needsConfirmation)

        let now = wallClock()
        var servers: [ServerID: ServerObservation] = [:]
        for id in sorted {
            let result = results[id] ?? .failure(PanelFailure(.panelUnreachable, detail: "no answer"))
            if case .failure(let failure) = result { report(failure, server: id) }
            let observation = ServerObservation.after(
                known[id],
                server: listed[id] ?? known[id]?.server ?? GameServer(unlisted: id),
                result: result,
                removalConfirmed: confirmedRemoved.contains(id),
                now: now
            )
            if observation.state == .removed {
                removals.forget(id)
                logger.info("the panel confirmed a server was removed", metadata: ["panel.server": "\(id)"])
            }
            known[id] = observation
            servers[id] = observation
        }
        return Observation(
            origin: origin,
            observedAt: now,
            servers: servers,
            listFailure: listFailure,
            panelRequests: requests,
            panelDuration: duration
        )
    }

    /// The servers in `candidates` that a freshly fetched list no longer has (none when the list fails).
    private func confirmRemoval(of candidates: [ServerID]) async -> Set<ServerID> {
        guard !candidates.isEmpty else { return [] }
        do {
            remember(try await backend.servers(forceRefresh: true))
            return Set(candidates.filter { listed[$0] == nil })
        } catch {
            return []
        }
    }

    /// Replaces what is known of the list, so servers the panel no longer lists are not kept forever.
    private func remember(_ servers: [GameServer]) {
        listed = Dictionary(servers.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Hands the observation to each consumer in registration order (graph samples before the status messages
    /// that show them).
    private func publish(_ observation: Observation) async {
        for consumer in consumers { await consumer.consume(observation) }
    }

    /// Starts or ends an outage: the panel is down when no watched server got an answer that came from it.
    private func noteOutage(listFailure: PanelFailure?, results: [ServerID: Result<ServerResources, PanelFailure>]) {
        let unreachable =
            listFailure?.kind == .panelUnreachable
            || (!results.isEmpty && results.values.allSatisfy { $0.failure?.kind == .panelUnreachable })
        let now = wallClock()
        switch (unreachable, outageSince) {
        case (true, nil):
            outageSince = now
            logger.warning("the panel is unreachable; asking it about one server per cycle until it answers")
        case (false, let since?):
            outageSince = nil
            let seconds = Int(now.timeIntervalSince(since).rounded())
            logger.info(
                "the panel answers again after an outage of \(seconds / 60) min \(seconds % 60) s",
                metadata: ["outage.seconds": "\(seconds)"]
            )
        default:
            break
        }
    }

    // MARK: - Logging

    /// Logs a panel problem once per distinct message until the panel answers again, so an outage does not
    /// flood the log.
    private func report(_ failure: PanelFailure, server: ServerID?) {
        guard reportedProblems.insert(failure.detail).inserted else { return }
        var metadata: Logger.Metadata = ["error": "\(failure)"]
        if let server { metadata["panel.server"] = "\(server)" }
        if failure.kind == .keyRefused {
            logger.error(
                "the panel refuses the bot's key; status messages show it until it is fixed",
                metadata: metadata
            )
        } else {
            logger.warning("panel problem; affected status messages show it until it clears", metadata: metadata)
        }
    }

    private func adviseOnBudget(serverCount: Int) {
        guard !budgetAdvised, let advice = backend.budgetAdvice(forServerCount: serverCount, interval: updateInterval)
        else { return }
        budgetAdvised = true
        logger.warning("\(advice)")
    }
}

/// Early-cycle requests for a ``PanelMonitor``: anyone may ``request()`` (synchronous, cheap), and the monitor's
/// loop takes them with ``next()``. Requests coalesce: any number before the loop looks count as one.
public final class CycleRequests: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Creates a signal with no request pending.
    public init() {}

    /// Requests a cycle: wakes the waiting loop, or leaves one request pending for it.
    public func request() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns when a request is pending (taking it), or when the task is cancelled (leaving it pending). One
    /// waiter at a time: the monitor's loop.
    func next() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state -> Bool in
                    if state.pending {
                        state.pending = false
                        return true
                    }
                    if Task.isCancelled { return true }
                    state.waiter = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}
