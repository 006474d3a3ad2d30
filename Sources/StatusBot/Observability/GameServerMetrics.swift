import CoreMetrics
import GameQuery
import Monitoring
import PanelCore
import Synchronization

/// Exports what each cycle observed of every watched game server: state, CPU, memory and its limit, disk,
/// network, uptime and players online (when the server answers player queries), labelled by panel, server
/// identifier and name.
///
/// Series of a server that is no longer watched (its message deleted, the server removed) are destroyed at the
/// next cycle, so label cardinality follows the watched servers and never grows with time.
final class GameServerMetrics: ObservationConsumer {
    private let factory: any MetricsFactory
    private let panel: String
    private let series = Mutex<[ServerID: ServerSeries]>([:])
    private let players: (any PlayerCountReading)?

    /// Creates the exporter.
    /// - Parameters:
    ///   - factory: Where the metrics go.
    ///   - panel: The panel's name, the `panel` label.
    ///   - players: The player counts, when they are collected.
    init(factory: any MetricsFactory, panel: String, players: (any PlayerCountReading)? = nil) {
        self.factory = factory
        self.panel = panel
        self.players = players
    }

    func consume(_ observation: Observation) async {
        var online: [ServerID: Int] = [:]
        if let players {
            for id in observation.servers.keys {
                if let count = await players.playerCount(of: id) { online[id] = count.online }
            }
        }
        let isCycle = if case .cycle = observation.origin { true } else { false }
        let gone: [ServerSeries] = self.series.withLock { series in
            for (id, observed) in observation.servers {
                let labels = [("panel", self.panel), ("server", id.rawValue), ("name", observed.server.name)]
                if series[id]?.labels.map(\.1) != labels.map(\.1) {
                    series[id]?.destroy()
                    series[id] = ServerSeries(labels: labels, factory: self.factory)
                }
                series[id]?.record(observed)
                series[id]?.recordPlayers(observed.state == .running ? online[id] : nil)
            }
            // A cycle observes every watched server: whatever it did not see is no longer watched.
            guard isCycle else { return [] }
            let removed = series.keys.filter { observation.servers[$0] == nil }
            return removed.compactMap { series.removeValue(forKey: $0) }
        }
        for server in gone { server.destroy() }
    }
}

/// The series of one server.
private final class ServerSeries {
    let labels: [(String, String)]
    private let factory: any MetricsFactory
    private var state: (name: String, meter: Meter)?
    private var players: Meter?
    private let cpu: Meter
    private let memory: Meter
    private let memoryLimit: Meter
    private let disk: Meter
    private let uptime: Meter
    private let received: Counter
    private let transmitted: Counter
    private var lastNetwork: (received: Int, transmitted: Int)?

    init(labels: [(String, String)], factory: any MetricsFactory) {
        self.labels = labels
        self.factory = factory
        func meter(_ name: String) -> Meter { Meter(label: name, dimensions: labels, factory: factory) }
        self.cpu = meter("pterodisbot_game_server_cpu_percent")
        self.memory = meter("pterodisbot_game_server_memory_bytes")
        self.memoryLimit = meter("pterodisbot_game_server_memory_limit_bytes")
        self.disk = meter("pterodisbot_game_server_disk_bytes")
        self.uptime = meter("pterodisbot_game_server_uptime_seconds")
        self.received = Counter(
            label: "pterodisbot_game_server_network_receive_bytes_total",
            dimensions: labels,
            factory: factory
        )
        self.transmitted = Counter(
            label: "pterodisbot_game_server_network_transmit_bytes_total",
            dimensions: labels,
            factory: factory
        )
    }

    func record(_ observed: ServerObservation) {
        let stateName = Self.label(of: observed.state)
        if self.state?.name != stateName {
            self.state?.meter.destroy()
            let meter = Meter(
                label: "pterodisbot_game_server_state",
                dimensions: self.labels + [("state", stateName)],
                factory: self.factory
            )
            meter.set(1)
            self.state = (stateName, meter)
        }
        self.memoryLimit.set(Double(observed.server.limits.memoryMiB) * 1_048_576)
        guard let usage = observed.usage, observed.isNewSample else { return }
        // A figure the panel does not report keeps no value rather than a false 0.
        if usage.reports(.cpu) { self.cpu.set(usage.cpuAbsolute) }
        if usage.reports(.memory) { self.memory.set(Double(usage.memoryBytes)) }
        if usage.reports(.disk) { self.disk.set(Double(usage.diskBytes)) }
        if usage.reports(.uptime) { self.uptime.set(Double(usage.uptimeMilliseconds) / 1000) }
        guard usage.reports(.network) else { return }
        // The panel reports totals since the server started; a smaller total means it restarted.
        let previous = self.lastNetwork ?? (0, 0)
        let received =
            usage.networkRxBytes >= previous.received ? usage.networkRxBytes - previous.received : usage.networkRxBytes
        let transmitted =
            usage.networkTxBytes >= previous.transmitted
            ? usage.networkTxBytes - previous.transmitted : usage.networkTxBytes
        if received > 0 { self.received.increment(by: Int64(received)) }
        if transmitted > 0 { self.transmitted.increment(by: Int64(transmitted)) }
        self.lastNetwork = (usage.networkRxBytes, usage.networkTxBytes)
    }

    /// Players online; the series exists only while the count is known.
    func recordPlayers(_ online: Int?) {
        guard let online else {
            self.players?.destroy()
            self.players = nil
            return
        }
        if self.players == nil {
            self.players = Meter(
                label: "pterodisbot_game_server_players_online",
                dimensions: self.labels,
                factory: self.factory
            )
        }
        self.players?.set(online)
    }

    func destroy() {
        self.players?.destroy()
        self.state?.meter.destroy()
        for meter in [self.cpu, self.memory, self.memoryLimit, self.disk, self.uptime] { meter.destroy() }
        self.received.destroy()
        self.transmitted.destroy()
    }

    static func label(of state: ServerState) -> String {
        switch state {
        case .running: "running"
        case .starting: "starting"
        case .stopping: "stopping"
        case .offline: "offline"
        case .suspended: "suspended"
        case .installing: "installing"
        case .transferring: "transferring"
        case .restoringBackup: "restoring_backup"
        case .nodeMaintenance: "node_maintenance"
        case .nodeOffline: "node_offline"
        case .removed: "removed"
        case .panelUnreachable: "panel_unreachable"
        case .unknown: "unknown"
        }
    }
}
