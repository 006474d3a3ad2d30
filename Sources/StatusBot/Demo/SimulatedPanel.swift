import PanelCore
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An in-memory ``PanelBackend`` for `pterodisbot demo`: a few game servers on two nodes whose CPU and memory move
/// over time, one that starts, one that stops, one that crashes, one that gets busy and one suspended (see
/// ``SimulatedServer/demo`` and ``SimulatedNode/demo``).
///
/// It answers like the real panel: usage of a suspended server fails as ``PanelFailure/Kind/serverBusy(_:)``, an
/// unknown id as ``PanelFailure/Kind/notFound``, power signals
/// move the state through `starting`/`stopping`, and within one tick repeated answers are identical (as the
/// panel's 20 s cache makes them), so ``ServerResources/isSameSample(as:)`` sees one new sample per tick. Nodes
/// list their capacities and what their servers' limits add up to; the activity log lists every power signal
/// the panel accepted (sent through ``sendPower(_:to:)`` or by the script), and never a crash.
///
/// Time is explicit and deterministic: the simulation moves one tick per ``advance(ticks:)``, or, when built with
/// ``init(servers:nodes:seed:tickInterval:epoch:kind:clock:)``, by as many ticks as the clock says have passed
/// whenever it is asked. Tick `n` is the wall-clock time ``epoch`` + `n` × ``tickInterval`` (``now``), which the
/// activity log uses. Nothing sleeps. The same seed always replays the same numbers.
///
/// With ``Kind/peon`` the same simulation answers as a PEON orchestrator does instead (see ``Kind/peon``).
public final class SimulatedPanel: PanelBackend {
    /// Which kind of panel the simulation answers as.
    public enum Kind: Sendable, Hashable {
        /// Pterodactyl (or Pelican) with Wings: every power signal, nodes, addresses, an activity log, all usage
        /// figures; `start`, `stop` and `restart` pass through `starting`/`stopping` for two ticks.
        case pterodactyl
        /// A PEON orchestrator, as `PeonBackend` answers for one: start, stop and restart only, no nodes, no
        /// addresses, no activity log. Usage is Docker's statistics read by the real PEON mapping (`PeonUsage`):
        /// no disk or uptime, and nothing at all for a stopped container. A power call answers once
        /// `docker compose` is done, so the container is already running or exited: no `starting`/`stopping`.
        case peon
    }

    private struct State: Sendable {
        var simulation: PanelSimulation
        /// Ticks added by ``advance(ticks:)`` on top of the clock's.
        var manualTicks = 0
    }

    private let state: Mutex<State>
    /// Time since creation on the injected clock, or `nil` when only ``advance(ticks:)`` moves time.
    private let elapsed: (@Sendable () -> Duration)?
    private let simulatedNodes: [SimulatedNode]

    /// Which kind of panel it answers as.
    public let kind: Kind
    /// Simulated time per tick: uptime and traffic grow by this much per tick.
    public let tickInterval: Duration
    /// The wall-clock time of tick 0.
    public let epoch: Date

    /// The default ``epoch``: 2026-01-01 00:00:00 UTC.
    public static let defaultEpoch = Date(timeIntervalSince1970: 1_767_225_600)

    /// Creates a panel whose time moves only with ``advance(ticks:)``.
    /// - Parameters:
    ///   - servers: The servers; defaults to the demo's six.
    ///   - nodes: The nodes the servers' ``GameServer/nodeName`` refer to; defaults to the demo's two. With none,
    ///     the panel does not list nodes.
    ///   - seed: Seed of the usage walk; the same seed gives the same numbers.
    ///   - tickInterval: Simulated time per tick (use the bot's update interval).
    ///   - epoch: The wall-clock time of tick 0 (activity log entries are dated from it).
    ///   - kind: The kind of panel it answers as; a ``Kind/peon`` panel ignores `nodes`.
    public convenience init(
        servers: [SimulatedServer] = SimulatedServer.demo,
        nodes: [SimulatedNode] = SimulatedNode.demo,
        seed: UInt64 = 2024,
        tickInterval: Duration = .seconds(10),
        epoch: Date = SimulatedPanel.defaultEpoch,
        kind: Kind = .pterodactyl
    ) {
        self.init(
            servers: servers,
            nodes: nodes,
            seed: seed,
            tickInterval: tickInterval,
            epoch: epoch,
            kind: kind,
            elapsed: nil
        )
    }

    /// Creates a panel driven by a clock: every call first moves the simulation by the whole ticks that have passed
    /// on `clock` since creation (plus any ``advance(ticks:)``).
    /// - Parameters:
    ///   - servers: The servers; defaults to the demo's six.
    ///   - nodes: The nodes; defaults to the demo's two.
    ///   - seed: Seed of the usage walk.
    ///   - tickInterval: Clock time per tick (use the bot's update interval so each cycle sees a new sample).
    ///   - epoch: The wall-clock time of tick 0.
    ///   - kind: The kind of panel it answers as; a ``Kind/peon`` panel ignores `nodes`.
    ///   - clock: The clock (`ContinuousClock` in the demo, a manual clock in tests).
    public convenience init<C: Clock>(
        servers: [SimulatedServer] = SimulatedServer.demo,
        nodes: [SimulatedNode] = SimulatedNode.demo,
        seed: UInt64 = 2024,
        tickInterval: Duration,
        epoch: Date = SimulatedPanel.defaultEpoch,
        kind: Kind = .pterodactyl,
        clock: C
    ) where C.Duration == Duration {
        let start = clock.now
        self.init(
            servers: servers,
            nodes: nodes,
            seed: seed,
            tickInterval: tickInterval,
            epoch: epoch,
            kind: kind,
            elapsed: { start.duration(to: clock.now) }
        )
    }

    private init(
        servers: [SimulatedServer],
        nodes: [SimulatedNode],
        seed: UInt64,
        tickInterval: Duration,
        epoch: Date,
        kind: Kind,
        elapsed: (@Sendable () -> Duration)?
    ) {
        let simulation = PanelSimulation(servers: servers, seed: seed, tickInterval: tickInterval, kind: kind)
        self.state = Mutex(State(simulation: simulation))
        // PEON has no nodes (reference §8).
        self.simulatedNodes = kind == .peon ? [] : nodes
        self.kind = kind
        self.elapsed = elapsed
        self.tickInterval = tickInterval
        self.epoch = epoch
    }

    // MARK: - Time

    /// The current tick (0 at creation).
    public var tick: Int {
        withCurrentState { $0.simulation.tick }
    }

    /// The simulated wall-clock time: ``epoch`` + ``tick`` × ``tickInterval``. Give it to the bot as its wall
    /// clock, so its timestamps and the activity log agree.
    public var now: Date {
        date(ofTick: tick)
    }

    /// The wall-clock time of a tick.
    private func date(ofTick tick: Int) -> Date {
        let (seconds, attoseconds) = tickInterval.components
        let interval = Double(seconds) + Double(attoseconds) / 1e18
        return epoch.addingTimeInterval(Double(tick) * interval)
    }

    /// Moves the simulation forward.
    /// - Parameter ticks: How many ticks (each ``tickInterval`` of simulated time).
    public func advance(ticks: Int = 1) {
        state.withLock { state in
            state.manualTicks += max(0, ticks)
            catchUp(&state)
        }
    }

    /// Brings the simulation to the tick the clock (plus manual ticks) calls for, then runs `body` under the lock.
    private func withCurrentState<T: Sendable, E: Error>(
        _ body: (inout State) throws(E) -> T
    ) throws(E) -> T {
        try state.withLock { (state: inout State) throws(E) -> T in
            catchUp(&state)
            return try body(&state)
        }
    }

    private func catchUp(_ state: inout State) {
        var target = state.manualTicks
        if let elapsed {
            let passed = elapsed()
            if passed > .zero { target += Int(passed / tickInterval) }
        }
        while state.simulation.tick < target { state.simulation.step() }
    }

    // MARK: - Scripting

    /// Sets the state the listing fixes, e.g. `.suspended` (its usage then fails as busy), or `nil`.
    /// - Parameters:
    ///   - listedState: The new state, `nil` for a normal server.
    ///   - id: The server.
    /// - Throws: ``PanelFailure`` (not found) for an unknown server.
    public func setListedState(_ listedState: ServerState?, for id: ServerID) throws {
        try withCurrentState { (state: inout State) throws(PanelFailure) in
            try state.simulation.setListedState(listedState, for: id)
        }
    }

    // MARK: - PanelBackend

    /// Pterodactyl: every power signal, nodes when it has any, addresses. PEON: start, stop and restart only.
    public var capabilities: PanelCapabilities {
        switch kind {
        case .pterodactyl:
            PanelCapabilities(
                powerSignals: Set(PowerSignal.allCases),
                listsNodes: !simulatedNodes.isEmpty,
                hasAddresses: true
            )
        case .peon:
            PanelCapabilities(powerSignals: [.start, .stop, .restart], listsNodes: false, hasAddresses: false)
        }
    }

    /// The servers, in the order given at creation.
    public func servers(forceRefresh: Bool) async throws -> [GameServer] {
        withCurrentState { $0.simulation.servers }
    }

    /// One server.
    public func serverDetails(_ id: ServerID) async throws -> GameServer {
        try withCurrentState { (state: inout State) throws(PanelFailure) in try state.simulation.server(id) }
    }

    /// Usage of many servers, all taken at the same tick.
    public func usage(of ids: [ServerID]) async throws -> [ServerID: Result<ServerResources, PanelFailure>] {
        withCurrentState { state in
            var results: [ServerID: Result<ServerResources, PanelFailure>] = [:]
            for id in ids where results[id] == nil {
                do throws(PanelFailure) {
                    results[id] = .success(try state.simulation.resources(of: id))
                } catch {
                    results[id] = .failure(error)
                }
            }
            return results
        }
    }

    /// Changes the simulated power state at once (Pterodactyl: `start` → starting, then running two ticks later;
    /// PEON: running at once) and logs the signal in the server's activity log.
    /// - Throws: ``PanelFailure`` for an unknown or busy server, and on PEON for `kill` (unsupported).
    public func sendPower(_ signal: PowerSignal, to id: ServerID) async throws {
        try withCurrentState { (state: inout State) throws(PanelFailure) in
            try state.simulation.send(signal, to: id)
        }
    }

    /// The nodes, with what their servers' limits add up to now.
    /// - Throws: ``PanelFailure/Kind/unsupported`` when the panel was made without nodes.
    public func nodes() async throws -> [PanelNodeSummary] {
        guard !simulatedNodes.isEmpty else {
            throw PanelFailure(.unsupported, detail: "this panel does not list nodes")
        }
        let servers = withCurrentState { $0.simulation.servers }
        return simulatedNodes.map { $0.summary(servers: servers) }
    }

    /// The power signals the panel accepted for a server at or after `since`, newest first, dated by their tick
    /// (``now`` when they were sent): the scheduled ones and those sent through ``sendPower(_:to:)``, as the
    /// panel's activity log lists `server:power.*` events. Crashes and crash-detection restarts leave no entry.
    /// - Throws: ``PanelFailure/Kind/notFound`` for an unknown server; ``PanelFailure/Kind/unsupported`` on PEON,
    ///   which keeps no activity log.
    public func powerActivity(of id: ServerID, since: Date) async throws -> [PowerActivity] {
        guard kind == .pterodactyl else {
            throw PanelFailure(.unsupported, detail: "this panel keeps no activity log")
        }
        let logged = try withCurrentState { (state: inout State) throws(PanelFailure) in
            try state.simulation.loggedSignals(of: id)
        }
        return logged.reversed().compactMap { entry in
            let loggedAt = date(ofTick: entry.tick)
            guard loggedAt >= since else { return nil }
            return PowerActivity(
                signal: entry.signal,
                event: "server:power.\(entry.signal.rawValue)",
                loggedAt: loggedAt
            )
        }
    }
}
