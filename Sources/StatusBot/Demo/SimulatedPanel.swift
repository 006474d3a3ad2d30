import PanelCore
import Synchronization

/// An in-memory ``PanelBackend`` for `pterodisbot demo`: a few game servers on two nodes whose CPU and memory move
/// over time, one that starts, one that stops and one suspended (see ``SimulatedServer/demo``).
///
/// It answers like the real panel: usage of a suspended server fails as ``PanelFailure/Kind/serverBusy(_:)``, an
/// unknown id as ``PanelFailure/Kind/notFound``, power signals
/// move the state through `starting`/`stopping`, and within one tick repeated answers are identical (as the
/// panel's 20 s cache makes them), so ``ServerResources/isSameSample(as:)`` sees one new sample per tick.
///
/// Time is explicit and deterministic: the simulation moves one tick per ``advance(ticks:)``, or, when built with
/// ``init(servers:seed:tickInterval:clock:)``, by as many ticks as the clock says have passed whenever it is asked.
/// Nothing sleeps. The same seed always replays the same numbers.
public final class SimulatedPanel: PanelBackend {
    private struct State: Sendable {
        var simulation: PanelSimulation
        /// Ticks added by ``advance(ticks:)`` on top of the clock's.
        var manualTicks = 0
    }

    private let state: Mutex<State>
    /// Time since creation on the injected clock, or `nil` when only ``advance(ticks:)`` moves time.
    private let elapsed: (@Sendable () -> Duration)?

    /// Simulated time per tick: uptime and traffic grow by this much per tick.
    public let tickInterval: Duration

    /// Creates a panel whose time moves only with ``advance(ticks:)``.
    /// - Parameters:
    ///   - servers: The servers; defaults to the demo's six.
    ///   - seed: Seed of the usage walk; the same seed gives the same numbers.
    ///   - tickInterval: Simulated time per tick (use the bot's update interval).
    public init(
        servers: [SimulatedServer] = SimulatedServer.demo,
        seed: UInt64 = 2024,
        tickInterval: Duration = .seconds(10)
    ) {
        self.state = Mutex(State(simulation: PanelSimulation(servers: servers, seed: seed, tickInterval: tickInterval)))
        self.elapsed = nil
        self.tickInterval = tickInterval
    }

    /// Creates a panel driven by a clock: every call first moves the simulation by the whole ticks that have passed
    /// on `clock` since creation (plus any ``advance(ticks:)``).
    /// - Parameters:
    ///   - servers: The servers; defaults to the demo's six.
    ///   - seed: Seed of the usage walk.
    ///   - tickInterval: Clock time per tick (use the bot's update interval so each cycle sees a new sample).
    ///   - clock: The clock (`ContinuousClock` in the demo, a manual clock in tests).
    public convenience init<C: Clock>(
        servers: [SimulatedServer] = SimulatedServer.demo,
        seed: UInt64 = 2024,
        tickInterval: Duration,
        clock: C
    ) where C.Duration == Duration {
        let start = clock.now
        self.init(servers: servers, seed: seed, tickInterval: tickInterval, elapsed: { start.duration(to: clock.now) })
    }

    private init(
        servers: [SimulatedServer],
        seed: UInt64,
        tickInterval: Duration,
        elapsed: @escaping @Sendable () -> Duration
    ) {
        self.state = Mutex(State(simulation: PanelSimulation(servers: servers, seed: seed, tickInterval: tickInterval)))
        self.elapsed = elapsed
        self.tickInterval = tickInterval
    }

    // MARK: - Time

    /// The current tick (0 at creation).
    public var tick: Int {
        withCurrentState { $0.simulation.tick }
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

    /// Power signals only: the simulation has no nodes to list; servers have addresses.
    public var capabilities: PanelCapabilities {
        PanelCapabilities(powerSignals: Set(PowerSignal.allCases), listsNodes: false, hasAddresses: true)
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

    /// Changes the simulated power state at once (`start` → starting, then running two ticks later).
    public func sendPower(_ signal: PowerSignal, to id: ServerID) async throws {
        try withCurrentState { (state: inout State) throws(PanelFailure) in
            try state.simulation.send(signal, to: id)
        }
    }
}
