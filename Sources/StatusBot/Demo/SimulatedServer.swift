import PanelCore
import Peon

/// One server of the ``SimulatedPanel`` and how it behaves: its panel record, its first power state, how busy it
/// usually is, and what a script makes happen to it at given ticks.
public struct SimulatedServer: Sendable, Hashable {
    /// Something the simulation does to a server by itself at the start of a tick.
    public struct ScriptedEvent: Sendable, Hashable {
        /// What happens.
        public enum Kind: Sendable, Hashable {
            /// A power signal, as a panel schedule or someone on the panel sends it: the activity log lists it.
            case power(PowerSignal)
            /// The game process dies: a running, starting or stopping server is offline at once and nothing is
            /// logged (no one asked for it). With `restartAfter`, Wings' crash detection starts it again that many
            /// ticks later, also without a log entry; `nil` leaves it offline.
            case crash(restartAfter: Int?)
            /// The typical CPU use becomes this fraction of the limit (a runaway plugin, a busy event); a running
            /// server's CPU jumps there at once and the usage walk goes on around it.
            case cpuLoad(Double)
        }

        /// The tick at which it happens (tick 1 is the first ``SimulatedPanel/advance(ticks:)``).
        public var tick: Int
        /// What happens.
        public var kind: Kind

        /// Creates a scripted event.
        /// - Parameters:
        ///   - tick: The tick at which it happens.
        ///   - kind: What happens.
        public init(tick: Int, _ kind: Kind) {
            self.tick = tick
            self.kind = kind
        }

        /// A power signal sent at `tick`.
        /// - Parameters:
        ///   - tick: The tick.
        ///   - signal: The signal.
        public init(tick: Int, signal: PowerSignal) {
            self.init(tick: tick, .power(signal))
        }

        /// The power signal, for a ``Kind/power(_:)`` event.
        public var signal: PowerSignal? {
            if case .power(let signal) = kind { return signal }
            return nil
        }
    }

    /// The record the panel lists (name, node, limits, allocations, `status`).
    public var server: GameServer
    /// The power state at tick 0: `.running`, `.starting`, `.stopping` or `.offline`.
    public var initialState: ServerState
    /// Typical CPU use as a fraction of the limit (of 8 cores when the CPU is unlimited), 0...1.
    public var cpuLoad: Double
    /// Typical memory use as a fraction of the limit (of 4 GiB when unlimited), 0...1.
    public var memoryLoad: Double
    /// Disk in use at tick 0, bytes; grows slowly while the server runs.
    public var diskBytes: Int
    /// Typical network traffic while running, bytes per second in each direction.
    public var networkBytesPerSecond: Int
    /// What the simulation does to the server by itself, by tick.
    public var schedule: [ScriptedEvent]
    /// The player limit the game server announces; nil for a game that answers no player query.
    public var maxPlayers: Int?
    /// Whether its player query lists names (Minecraft Java does).
    public var sharesPlayerNames: Bool

    /// Creates a simulated server.
    /// - Parameters:
    ///   - server: The panel record; `listedState: .suspended` makes `/resources` answer 409 as the panel does.
    ///   - initialState: The power state at tick 0.
    ///   - cpuLoad: Typical CPU use, fraction of the limit.
    ///   - memoryLoad: Typical memory use, fraction of the limit.
    ///   - diskBytes: Disk in use at tick 0.
    ///   - networkBytesPerSecond: Typical traffic while running.
    ///   - schedule: What the simulation does to the server by itself.
    ///   - maxPlayers: The player limit the game announces, nil when it answers no player query.
    ///   - sharesPlayerNames: Whether its player query lists names.
    public init(
        server: GameServer,
        initialState: ServerState = .running,
        cpuLoad: Double = 0.3,
        memoryLoad: Double = 0.5,
        diskBytes: Int = 2 << 30,
        networkBytesPerSecond: Int = 40_000,
        schedule: [ScriptedEvent] = [],
        maxPlayers: Int? = nil,
        sharesPlayerNames: Bool = false
    ) {
        self.server = server
        self.initialState = initialState
        self.cpuLoad = cpuLoad
        self.memoryLoad = memoryLoad
        self.diskBytes = diskBytes
        self.networkBytesPerSecond = networkBytesPerSecond
        self.schedule = schedule
        self.maxPlayers = maxPlayers
        self.sharesPlayerNames = sharesPlayerNames
    }
}

// MARK: - Built-in scenarios

extension SimulatedServer {
    /// The demo's six servers on `node-eu-1` and `node-us-1` (see ``SimulatedNode/demo``).
    ///
    /// - Survival SMP runs all along; at tick 4 a runaway plugin pushes its CPU to about 93 % of its limit, where
    ///   it stays (a sustained high-CPU alert).
    /// - Rust (unlimited CPU) runs all along.
    /// - Valheim is offline, gets `start` at tick 2, is `starting` for 2 ticks and `running` from tick 4.
    /// - ARK runs, gets a scheduled `stop` at tick 8 (logged, so no alert), is `stopping` for 2 ticks and
    ///   `offline` from tick 10.
    /// - CS2 crashes at tick 9 (offline, nothing logged); crash detection starts it at tick 10, `running` from
    ///   tick 12.
    /// - Terraria is suspended (its `/resources` answers 409, as the panel does).
    ///
    /// Fourteen cycles show every transition, the crash alert resolving and, for the servers that run long
    /// enough, a full 6-point graph.
    public static let demo: [SimulatedServer] = [
        SimulatedServer(
            server: GameServer(
                id: ServerID("1a7ce997"),
                name: "Survival SMP (Paper 1.21)",
                description: "Whitelisted survival world, weekly events.",
                nodeName: "node-eu-1",
                limits: ServerLimits(memoryMiB: 8192, swapMiB: 0, diskMiB: 30_720, cpuPercent: 400),
                allocations: [
                    ServerAllocation(id: 11, ip: "10.0.1.11", alias: "mc.example.net", port: 25565, isDefault: true),
                    ServerAllocation(id: 12, ip: "10.0.1.11", alias: "mc.example.net", port: 25575, isDefault: false),
                ]
            ),
            cpuLoad: 0.34,
            memoryLoad: 0.66,
            diskBytes: 9_400 << 20,
            networkBytesPerSecond: 180_000,
            schedule: [ScriptedEvent(tick: 4, .cpuLoad(0.93))],
            maxPlayers: 20,
            sharesPlayerNames: true
        ),
        SimulatedServer(
            server: GameServer(
                id: ServerID("5b2e8f10"),
                name: "Valheim – Midgard",
                nodeName: "node-eu-1",
                limits: ServerLimits(memoryMiB: 6144, diskMiB: 15_360, cpuPercent: 400),
                allocations: [
                    ServerAllocation(
                        id: 21,
                        ip: "10.0.1.12",
                        alias: "valheim.example.net",
                        port: 2456,
                        isDefault: true
                    ),
                    ServerAllocation(
                        id: 22,
                        ip: "10.0.1.12",
                        alias: "valheim.example.net",
                        port: 2457,
                        isDefault: false
                    ),
                ]
            ),
            initialState: .offline,
            cpuLoad: 0.28,
            memoryLoad: 0.55,
            diskBytes: 2_100 << 20,
            networkBytesPerSecond: 60_000,
            schedule: [ScriptedEvent(tick: 2, signal: .start)],
            maxPlayers: 10
        ),
        SimulatedServer(
            server: GameServer(
                id: ServerID("9c41d7a2"),
                name: "Rust – Monthly Wipe",
                nodeName: "node-us-1",
                limits: ServerLimits(memoryMiB: 12_288, diskMiB: 40_960, cpuPercent: 0),
                allocations: [
                    ServerAllocation(id: 31, ip: "203.0.113.24", port: 28015, isDefault: true),
                    ServerAllocation(id: 32, ip: "203.0.113.24", port: 28016, isDefault: false),
                    ServerAllocation(id: 33, ip: "203.0.113.24", port: 28082, isDefault: false),
                ]
            ),
            cpuLoad: 0.22,
            memoryLoad: 0.71,
            diskBytes: 14_800 << 20,
            networkBytesPerSecond: 320_000,
            maxPlayers: 100
        ),
        SimulatedServer(
            server: GameServer(
                id: ServerID("e07f3b55"),
                name: "ARK: The Island",
                nodeName: "node-us-1",
                limits: ServerLimits(memoryMiB: 16_384, diskMiB: 61_440, cpuPercent: 600),
                allocations: [
                    ServerAllocation(id: 41, ip: "203.0.113.25", alias: "ark.example.net", port: 7777, isDefault: true),
                    ServerAllocation(
                        id: 42,
                        ip: "203.0.113.25",
                        alias: "ark.example.net",
                        port: 27015,
                        isDefault: false
                    ),
                ]
            ),
            cpuLoad: 0.48,
            memoryLoad: 0.78,
            diskBytes: 38_200 << 20,
            networkBytesPerSecond: 240_000,
            schedule: [ScriptedEvent(tick: 8, signal: .stop)]
        ),
        SimulatedServer(
            server: GameServer(
                id: ServerID("3d9a0c6e"),
                name: "Terraria Journey",
                nodeName: "node-eu-1",
                limits: ServerLimits(memoryMiB: 2048, diskMiB: 5120, cpuPercent: 200),
                allocations: [
                    ServerAllocation(
                        id: 51,
                        ip: "198.51.100.7",
                        alias: "terraria.example.net",
                        port: 7777,
                        isDefault: true
                    )
                ],
                listedState: .suspended
            ),
            initialState: .offline,
            cpuLoad: 0.15,
            memoryLoad: 0.4,
            diskBytes: 640 << 20,
            networkBytesPerSecond: 20_000
        ),
        SimulatedServer(
            server: GameServer(
                id: ServerID("7f12ab34"),
                name: "CS2 Retake #1",
                nodeName: "node-us-1",
                limits: ServerLimits(memoryMiB: 4096, diskMiB: 40_960, cpuPercent: 400),
                allocations: [
                    ServerAllocation(id: 61, ip: "203.0.113.26", port: 27015, isDefault: true),
                    ServerAllocation(id: 62, ip: "203.0.113.26", port: 27020, isDefault: false),
                ]
            ),
            cpuLoad: 0.26,
            memoryLoad: 0.42,
            diskBytes: 33_500 << 20,
            networkBytesPerSecond: 150_000,
            schedule: [ScriptedEvent(tick: 9, .crash(restartAfter: 1))],
            maxPlayers: 10
        ),
    ]

    /// The demo's PEON orchestrator `home` (a ``SimulatedPanel/Kind/peon`` panel): two warcamps on one host, listed
    /// as PEON lists them (sorted by game and warcamp name; no node, limits or addresses).
    ///
    /// - `minecraft.survival` is exited and gets `start` at tick 3 (someone starts it from PEON's own tools); the
    ///   call returns once `docker compose` is done, so it is `running` from tick 3, its CPU and memory climbing.
    /// - `valheim.server01` runs all along, about one core busy and 2.4 GiB in use.
    ///
    /// Neither answers a player query (PEON publishes no address to ask).
    public static let peonDemo: [SimulatedServer] = [
        SimulatedServer(
            server: GameServer(
                peon: PeonServer(
                    gameUID: "minecraft",
                    serverName: "survival",
                    containerState: .exited,
                    serverDescription: "Vanilla survival for the family, started when someone wants to play."
                )
            ),
            initialState: .offline,
            cpuLoad: 0.2,
            memoryLoad: 0.7,
            networkBytesPerSecond: 30_000,
            schedule: [ScriptedEvent(tick: 3, signal: .start)]
        ),
        SimulatedServer(
            server: GameServer(
                peon: PeonServer(
                    gameUID: "valheim",
                    serverName: "server01",
                    containerState: .running,
                    serverDescription: "The home Valheim world."
                )
            ),
            cpuLoad: 0.12,
            memoryLoad: 0.6,
            networkBytesPerSecond: 25_000
        ),
    ]

    /// A larger, generated fleet for benchmarks: `count` servers over two nodes, cycling through game templates,
    /// each with occasional scripted stops, starts and restarts spread over `ticks` ticks (roughly one state
    /// change per server every 60–180 ticks), so a run looks like a real panel's hour.
    /// - Parameters:
    ///   - count: Number of servers.
    ///   - ticks: The length of the run the schedule covers.
    ///   - seed: Seed for the schedule; the same seed gives the same fleet.
    /// - Returns: The servers.
    public static func fleet(count: Int, ticks: Int = 360, seed: UInt64 = 7) -> [SimulatedServer] {
        let templates: [(name: String, cpu: Int, memory: Int, disk: Int, port: Int, load: Double, mem: Double)] = [
            ("Minecraft SMP", 400, 8192, 30_720, 25565, 0.35, 0.65),
            ("Valheim", 400, 6144, 15_360, 2456, 0.28, 0.55),
            ("Rust", 0, 12_288, 40_960, 28015, 0.22, 0.7),
            ("ARK", 600, 16_384, 61_440, 7777, 0.45, 0.78),
            ("Terraria", 200, 2048, 5120, 7777, 0.15, 0.4),
            ("CS2", 400, 4096, 40_960, 27015, 0.26, 0.42),
        ]
        var random = SplitMix64(seed: seed)
        return (0..<count).map { index in
            let template = templates[index % templates.count]
            let hex = String(UInt32(truncatingIfNeeded: random.next()), radix: 16)
            let identifier = zeroPadded(hex, width: 8)
            let node = index % 2 == 0 ? "node-eu-1" : "node-us-1"
            var schedule: [ScriptedEvent] = []
            var tick = 30 + Int(random.next() % 120)
            var running = true
            while tick < ticks {
                let signal: PowerSignal = random.next() % 4 == 0 ? .restart : (running ? .stop : .start)
                schedule.append(ScriptedEvent(tick: tick, signal: signal))
                if signal != .restart { running.toggle() }
                tick += 60 + Int(random.next() % 120)
            }
            return SimulatedServer(
                server: GameServer(
                    id: ServerID(identifier),
                    name: "\(template.name) #\(index / templates.count + 1)",
                    nodeName: node,
                    limits: ServerLimits(memoryMiB: template.memory, diskMiB: template.disk, cpuPercent: template.cpu),
                    allocations: [
                        ServerAllocation(
                            id: index + 1,
                            ip: "10.0.\(index % 2).\(index / 250 + 10)",
                            alias: "play\(index + 1).example.net",
                            port: template.port + index / templates.count,
                            isDefault: true
                        )
                    ]
                ),
                cpuLoad: template.load,
                memoryLoad: template.mem,
                diskBytes: template.disk << 18,  // a quarter of the limit
                schedule: schedule
            )
        }
    }
}

/// `value` left-padded with zeros to `width` characters.
private func zeroPadded(_ value: some CustomStringConvertible, width: Int) -> String {
    let text = value.description
    return String(repeating: "0", count: max(0, width - text.count)) + text
}
