import PanelCore

/// SplitMix64: a tiny, fast, fully deterministic generator, so a seed always replays the same simulation on every
/// platform (the standard library's generator is not seedable).
struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<1.
    mutating func unit() -> Double {
        Double(next() >> 11) / Double(1 << 53)
    }

    /// Roughly standard normal (Irwin–Hall with four terms, rescaled): smooth enough for a random walk and free of
    /// transcendental functions, so results are bit-identical everywhere.
    mutating func gaussian() -> Double {
        (unit() + unit() + unit() + unit() - 2) * 3.0.squareRoot()
    }
}

/// The pure state of a simulated panel: servers, their power states and a smooth random walk of their usage.
/// ``step()`` moves it one tick; the same seed and the same inputs always give the same answers. The panel's
/// ``SimulatedPanel/Kind`` decides how power signals play out and how usage is reported; the walk is the same.
struct PanelSimulation: Sendable {
    /// How many ticks `starting` and `stopping` last on Pterodactyl (Wings reports the phases).
    static let transitionTicks = 2
    /// CPU scale for a server without a CPU limit: an 8-core host.
    static let unlimitedCPUPercent = 800.0
    /// Memory scale for a server without a memory limit: 4 GiB.
    static let unlimitedMemoryBytes = 4096.0 * 1_048_576

    struct Machine: Sendable {
        var spec: SimulatedServer
        var server: GameServer
        var power: ServerState
        var ticksInPhase = 0
        var restartPending = false
        /// The tick at which crash detection starts the server again, after a crash.
        var crashRestartTick: Int?
        var random: SplitMix64
        /// The level the walk is pulled towards; drifts slowly itself.
        var cpuTarget: Double
        var cpu: Double
        var memoryTarget: Double
        var memory: Double
        var uptimeMilliseconds = 0
        var diskBytes: Int
        var rxBytes = 0
        var txBytes = 0
    }

    /// A power signal the panel accepted, as its activity log lists it.
    struct LoggedSignal: Sendable, Hashable {
        var tick: Int
        var signal: PowerSignal
    }

    private(set) var tick = 0
    let tickMilliseconds: Int
    let kind: SimulatedPanel.Kind
    private(set) var machines: [Machine]
    /// Every power signal accepted per server, oldest first: sent through the API or by the script.
    private(set) var activity: [ServerID: [LoggedSignal]] = [:]
    private var index: [ServerID: Int] = [:]

    init(servers: [SimulatedServer], seed: UInt64, tickInterval: Duration, kind: SimulatedPanel.Kind = .pterodactyl) {
        let (seconds, attoseconds) = tickInterval.components
        tickMilliseconds = max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
        self.kind = kind
        machines = servers.map { spec in
            // Each server has its own generator, seeded from its UUID, so adding a server changes no other.
            var random = SplitMix64(seed: seed ^ Self.fnv1a(spec.server.id.rawValue))
            let power = spec.initialState.isPowerState ? spec.initialState : .offline
            let isUp = power != .offline
            let cpu = spec.cpuLoad * (0.9 + 0.2 * random.unit())
            return Machine(
                spec: spec,
                server: spec.server,
                power: power,
                random: random,
                cpuTarget: spec.cpuLoad,
                cpu: isUp ? cpu : 0,
                memoryTarget: spec.memoryLoad,
                memory: isUp ? spec.memoryLoad : 0,
                // A running server has been up for a while (between 1 and 4 days).
                uptimeMilliseconds: isUp ? 86_400_000 + Int(random.next() % 259_200_000) : 0,
                diskBytes: spec.diskBytes
            )
        }
        for (position, machine) in machines.enumerated() where index[machine.server.id] == nil {
            index[machine.server.id] = position
        }
    }

    // MARK: - Queries

    var servers: [GameServer] { machines.map(\.server) }

    func server(_ id: ServerID) throws(PanelFailure) -> GameServer {
        try machines[position(of: id)].server
    }

    func resources(of id: ServerID) throws(PanelFailure) -> ServerResources {
        let machine = machines[try position(of: id)]
        if kind == .peon { return Self.peonResources(of: machine, tick: tick, tickMilliseconds: tickMilliseconds) }
        if let conflict = machine.server.listedState {
            throw PanelFailure(.serverBusy(conflict), detail: Self.conflictDetail(conflict))
        }
        let limits = machine.server.limits
        let cpuScale = limits.cpuPercent > 0 ? Double(limits.cpuPercent) : Self.unlimitedCPUPercent
        let memoryScale = limits.memoryBytes.map(Double.init) ?? Self.unlimitedMemoryBytes
        return ServerResources(
            state: machine.power,
            memoryBytes: Int(machine.memory * memoryScale),
            // Wings reports CPU with three decimals.
            cpuAbsolute: (machine.cpu * cpuScale * 1000).rounded() / 1000,
            diskBytes: machine.diskBytes,
            networkRxBytes: machine.rxBytes,
            networkTxBytes: machine.txBytes,
            uptimeMilliseconds: machine.uptimeMilliseconds
        )
    }

    // MARK: - Inputs

    /// Applies a power signal the way Wings does: `start` on an offline server → starting → running, `stop` →
    /// stopping → offline, `restart` → stopping → starting → running, `kill` → offline at once. Signals that make
    /// no sense in the current state change nothing (Wings accepts and ignores them). PEON skips the phases (its
    /// answer waits for `docker compose`) and has no `kill`.
    mutating func send(_ signal: PowerSignal, to id: ServerID) throws(PanelFailure) {
        if kind == .peon, signal == .kill { throw Self.peonHasNoKill }
        let position = try position(of: id, forPower: signal)
        if let conflict = machines[position].server.listedState {
            throw PanelFailure(.serverBusy(conflict), detail: Self.conflictDetail(conflict))
        }
        apply(signal, to: &machines[position])
        activity[id, default: []].append(LoggedSignal(tick: tick, signal: signal))
    }

    /// The power signals logged for a server, oldest first.
    func loggedSignals(of id: ServerID) throws(PanelFailure) -> [LoggedSignal] {
        _ = try position(of: id)
        return activity[id] ?? []
    }

    /// Replaces the state the listing fixes (e.g. `.suspended` to suspend, `nil` to unsuspend).
    mutating func setListedState(_ state: ServerState?, for id: ServerID) throws(PanelFailure) {
        machines[try position(of: id)].server.listedState = state
    }

    /// Moves the simulation one tick: crash detection, scripted events, state transitions, then the usage walk.
    mutating func step() {
        tick += 1
        for position in machines.indices {
            if machines[position].crashRestartTick == tick {
                // Wings' crash detection: a start nobody asked for, so the activity log does not list it.
                machines[position].crashRestartTick = nil
                apply(.start, to: &machines[position])
            }
            for event in machines[position].spec.schedule where event.tick == tick {
                // The panel refuses everything for a suspended (or otherwise busy) server, so nothing happens.
                guard machines[position].server.listedState == nil else { continue }
                switch event.kind {
                case .power(let signal):
                    apply(signal, to: &machines[position])
                    activity[machines[position].server.id, default: []].append(
                        LoggedSignal(tick: tick, signal: signal)
                    )
                case .crash(let restartAfter):
                    guard machines[position].power != .offline else { continue }
                    Self.shutDown(&machines[position])
                    machines[position].crashRestartTick = restartAfter.map { tick + max(1, $0) }
                case .cpuLoad(let load):
                    machines[position].spec.cpuLoad = load
                    machines[position].cpuTarget = load
                    if machines[position].power == .running { machines[position].cpu = load }
                }
            }
            Self.advance(&machines[position], tickMilliseconds: tickMilliseconds)
        }
    }

    // MARK: - Model

    private func apply(_ signal: PowerSignal, to machine: inout Machine) {
        Self.apply(signal, to: &machine)
        guard kind == .peon else { return }
        // PEON answers once `docker compose` is done: the container already runs (or has exited).
        switch machine.power {
        case .starting:
            machine.power = .running
            machine.ticksInPhase = 0
        case .stopping:
            let restart = machine.restartPending
            Self.shutDown(&machine)
            if restart { machine.power = .running }
        default:
            break
        }
    }

    private static func apply(_ signal: PowerSignal, to machine: inout Machine) {
        switch (signal, machine.power) {
        case (.start, .offline):
            machine.power = .starting
            machine.ticksInPhase = 0
        case (.stop, .running), (.stop, .starting):
            machine.power = .stopping
            machine.ticksInPhase = 0
            machine.restartPending = false
            machine.crashRestartTick = nil
        case (.restart, .offline):
            machine.power = .starting
            machine.ticksInPhase = 0
        case (.restart, .running), (.restart, .starting):
            machine.power = .stopping
            machine.ticksInPhase = 0
            machine.restartPending = true
        case (.kill, _):
            shutDown(&machine)
        default:
            break
        }
    }

    private static func shutDown(_ machine: inout Machine) {
        machine.power = .offline
        machine.crashRestartTick = nil
        machine.ticksInPhase = 0
        machine.restartPending = false
        machine.cpu = 0
        machine.memory = 0
        machine.uptimeMilliseconds = 0
        machine.rxBytes = 0
        machine.txBytes = 0
    }

    private static func advance(_ machine: inout Machine, tickMilliseconds: Int) {
        machine.ticksInPhase += 1
        switch machine.power {
        case .starting where machine.ticksInPhase > transitionTicks:
            machine.power = .running
            machine.ticksInPhase = 0
        case .stopping where machine.ticksInPhase > transitionTicks:
            let restart = machine.restartPending
            shutDown(&machine)
            if restart { machine.power = .starting }
            // A fresh container: the counters below start from zero.
            if restart { return }
        default:
            break
        }
        guard machine.power != .offline else { return }

        var random = machine.random
        defer { machine.random = random }
        let seconds = Double(tickMilliseconds) / 1000
        machine.uptimeMilliseconds += tickMilliseconds

        // The targets drift within ±40 % of the typical load, so a graph shows trends, not only jitter.
        machine.cpuTarget = clamp(
            machine.cpuTarget + 0.02 * random.gaussian(),
            machine.spec.cpuLoad * 0.6,
            machine.spec.cpuLoad * 1.4
        )
        machine.memoryTarget = clamp(
            machine.memoryTarget + 0.012 * random.gaussian(),
            machine.spec.memoryLoad * 0.8,
            min(0.97, machine.spec.memoryLoad * 1.2)
        )
        switch machine.power {
        case .starting:
            // Boot: world loading keeps the CPU busy while memory fills up.
            machine.cpu = clamp(0.75 + 0.08 * random.gaussian(), 0.3, 0.98)
            machine.memory += (machine.memoryTarget * 0.8 - machine.memory) * 0.5
        case .stopping:
            // Saving the world, then winding down.
            machine.cpu = clamp(machine.cpu * 0.5 + 0.02 * random.unit(), 0.005, 0.98)
        default:
            // Mean-reverting walk with small noise and rare short spikes (a player joining, an autosave).
            var next = machine.cpu + 0.3 * (machine.cpuTarget - machine.cpu) + 0.045 * random.gaussian()
            if random.unit() < 0.08 { next += 0.12 + 0.1 * random.unit() }
            machine.cpu = clamp(next, 0.005, 0.98)
            machine.memory = clamp(
                machine.memory + 0.25 * (machine.memoryTarget - machine.memory) + 0.01 * random.gaussian(),
                0.02,
                0.99
            )
        }
        let traffic = Double(machine.spec.networkBytesPerSecond) * seconds
        let activity = machine.power == .running ? 1.0 : 0.1
        machine.rxBytes += Int(traffic * activity * (0.7 + 0.6 * random.unit()))
        machine.txBytes += Int(traffic * activity * 1.8 * (0.7 + 0.6 * random.unit()))
        if random.unit() < 0.1 { machine.diskBytes += Int(random.next() % (4 << 20)) }
    }

    /// The machine of a server, or the panel's answer for an unknown one.
    /// - Parameters:
    ///   - id: The server.
    ///   - signal: The power signal asked for, `nil` for a read (PEON answers an unknown warcamp differently for
    ///     the two).
    private func position(of id: ServerID, forPower signal: PowerSignal? = nil) throws(PanelFailure) -> Int {
        guard let position = index[id] else {
            switch kind {
            case .pterodactyl:
                throw PanelFailure(.notFound, detail: "The requested resource could not be found on the server.")
            case .peon:
                throw Self.peonUnknownServer(id, forPower: signal != nil)
            }
        }
        return position
    }

    /// The panel's messages for 409 answers (`app/Exceptions/Http/Server/ServerStateConflictException.php`).
    private static func conflictDetail(_ state: ServerState) -> String {
        switch state {
        case .suspended: "This server is currently suspended and the functionality requested is unavailable."
        case .nodeMaintenance:
            "The node of this server is currently under maintenance and the functionality requested is unavailable."
        case .installing: "This server has not yet completed its installation process, please try again later."
        case .restoringBackup: "This server is currently restoring from a backup, please try again later."
        default: "This server is currently being transferred to a new machine, please try again later."
        }
    }

    private static func clamp(_ value: Double, _ low: Double, _ high: Double) -> Double {
        min(max(value, low), high)
    }

    /// FNV-1a over the UTF-8 bytes: a stable hash (`hashValue` is randomized per process).
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }
}
