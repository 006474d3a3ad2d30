import Logging
import PanelCore
import ServiceLifecycle

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A ``PanelBackend`` that answers usage from Wings websockets (issue 21, reference §12) and polls the panel only
/// for the servers whose socket is not live: a sample from a socket is as good as a poll.
///
/// Each ``usage(of:)`` call says which servers are watched now (``LiveStatsStateMachine`` decides): sockets open for
/// newly watched servers within ``LiveStatsConfiguration/maxSockets`` and
/// ``LiveStatsConfiguration/maxOpensPerRequest``, close for servers not asked for within
/// ``LiveStatsConfiguration/idleTimeout``, and the servers without a live socket go to the inner backend in one
/// call (unless polled within ``LiveStatsConfiguration/pollReuse``: early cycles must not multiply polling). A
/// power-state change calls `wake` so the monitor starts a cycle at once. Everything else forwards to the inner
/// backend.
///
/// As a `Service`, ``run()`` owns the sockets: each one is a child of one task group, and every socket closes when
/// `run()` ends (graceful shutdown or cancellation). Before `run()` starts and after it ends, every server is polled.
public actor LiveStatsBackend<C: Clock>: PanelBackend, Service where C.Duration == Duration {
    private typealias Socket = LiveStatsStateMachine<C.Instant>.Socket

    private enum Command: Sendable {
        case open(Socket)
        case close(Socket)
    }

    private let inner: any PanelBackend
    private let feed: any WingsLiveFeed
    private let clock: C
    private let logger: Logger
    private let wake: @Sendable () -> Void
    private let configuration: LiveStatsConfiguration
    private var machine: LiveStatsStateMachine<C.Instant>
    private let commands: AsyncStream<Command>
    private let commandSink: AsyncStream<Command>.Continuation

    /// Wraps a polling backend.
    /// - Parameters:
    ///   - inner: The panel's polling backend (``PterodactylBackend``); it answers everything but live usage.
    ///   - feed: Runs one server's socket.
    ///   - configuration: Caps and timeouts.
    ///   - clock: Ages the live values and the idle sockets (a manual clock in tests).
    ///   - logger: One line per node that falls back to polling and one when it streams again.
    ///   - wake: Called when a server's power state changes (the monitor's early-cycle request).
    public init(
        inner: any PanelBackend,
        feed: any WingsLiveFeed,
        configuration: LiveStatsConfiguration = LiveStatsConfiguration(),
        clock: C,
        logger: Logger,
        wake: @escaping @Sendable () -> Void = {}
    ) {
        self.inner = inner
        self.feed = feed
        self.clock = clock
        self.logger = logger
        self.wake = wake
        self.configuration = configuration
        self.machine = LiveStatsStateMachine(configuration: configuration)
        (commands, commandSink) = AsyncStream.makeStream(of: Command.self, bufferingPolicy: .unbounded)
    }

    // MARK: - Service

    /// Runs the sockets until graceful shutdown or cancellation, then closes them all.
    public func run() async throws {
        defer { commandSink.finish() }
        await cancelWhenGracefulShutdown {
            await self.runSockets()
        }
        for socket in machine.shutDown() {
            logger.trace("live stats socket closed at shutdown", metadata: ["panel.server": "\(socket.server)"])
        }
    }

    /// One child per socket; each races its feed against its stop signal, so one socket can close alone.
    private func runSockets() async {
        let feed = self.feed
        await withDiscardingTaskGroup { group in
            var stops: [Socket: AsyncStream<Never>.Continuation] = [:]
            for await command in commands {
                switch command {
                case .open(let socket):
                    let (stopped, stop) = AsyncStream.makeStream(of: Never.self)
                    stops[socket] = stop
                    group.addTask {
                        await withTaskGroup(of: Void.self) { race in
                            race.addTask {
                                await feed.follow(socket.server) { event in await self.received(event, on: socket) }
                            }
                            race.addTask { for await _ in stopped {} }
                            await race.next()
                            race.cancelAll()
                        }
                        await self.socketEnded(socket)
                    }
                case .close(let socket):
                    stops.removeValue(forKey: socket)?.finish()
                }
            }
            // Cancelled (or the stream finished): every socket closes with the group.
            group.cancelAll()
        }
    }

    private func received(_ event: WingsFeedEvent, on socket: Socket) {
        for action in machine.received(event, on: socket, now: clock.now) {
            switch action {
            case .wake:
                wake()
            case .nodeFellBack(let node, let reason):
                logger.warning(
                    "live stats: the sockets of node \(node) fall back to polling: \(reason)",
                    metadata: ["panel.node": "\(node)", "panel.server": "\(socket.server)"]
                )
            case .nodeResumed(let node):
                logger.info(
                    "live stats: the sockets of node \(node) stream again; polling stops",
                    metadata: ["panel.node": "\(node)"]
                )
            }
        }
    }

    private func socketEnded(_ socket: Socket) {
        machine.socketEnded(socket)
    }

    // MARK: - What is known

    /// What live stats are doing: live sockets, nodes falling back with their reason, servers polled.
    /// - Returns: The counts.
    public func liveStatus() -> LiveStatsStatus {
        machine.status(now: clock.now)
    }

    // MARK: - PanelBackend

    /// The inner backend's.
    public nonisolated var capabilities: PanelCapabilities { inner.capabilities }

    /// The inner backend's list, which also tells the sockets each server's node.
    public func servers(forceRefresh: Bool) async throws -> [GameServer] {
        let servers = try await inner.servers(forceRefresh: forceRefresh)
        machine.listed(servers)
        return servers
    }

    public func serverDetails(_ id: ServerID) async throws -> GameServer {
        try await inner.serverDetails(id)
    }

    /// Live values for servers whose socket is live, one inner call for the rest; opens and closes sockets as the
    /// watched set changes.
    public func usage(of ids: [ServerID]) async throws -> [ServerID: Result<ServerResources, PanelFailure>] {
        let now = clock.now
        let plan = machine.requested(ids, now: now)
        for socket in plan.close { commandSink.yield(.close(socket)) }
        for socket in plan.open { commandSink.yield(.open(socket)) }
        var results = plan.live.merging(plan.recent) { live, _ in live }
            .mapValues { Result<ServerResources, PanelFailure>.success($0) }
        if !plan.poll.isEmpty {
            let polled = try await inner.usage(of: plan.poll)
            machine.polled(polled, requestedAt: now)
            results.merge(polled) { _, polled in polled }
        }
        return results
    }

    public func sendPower(_ signal: PowerSignal, to id: ServerID) async throws {
        try await inner.sendPower(signal, to: id)
    }

    public func nodes() async throws -> [PanelNodeSummary] {
        try await inner.nodes()
    }

    public func powerActivity(of id: ServerID, since: Date) async throws -> [PowerActivity] {
        try await inner.powerActivity(of: id, since: since)
    }

    /// The inner backend's advice for the servers past the socket cap: only they are polled in steady state.
    public nonisolated func budgetAdvice(forServerCount serverCount: Int, interval: Duration) -> String? {
        inner.budgetAdvice(forServerCount: max(0, serverCount - configuration.maxSockets), interval: interval)
    }

    public func budgetUse() async -> [PanelBudgetUse] {
        await inner.budgetUse()
    }

    public func panelReports() async -> [PanelReport] {
        await inner.panelReports()
    }
}
