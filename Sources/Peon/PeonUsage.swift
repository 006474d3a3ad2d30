import PanelCore

/// Docker statistics as PEON relays them, turned into ``ServerResources`` (reference §6). Pure: no I/O, no clock.
///
/// A figure that cannot be worked out from this one answer goes into ``ServerResources/unreported`` instead of
/// being shown as 0. PEON reports no disk use and no uptime at all (reference §8).
public enum PeonUsage {
    /// The usage of a `/server/stats/{uid}` answer.
    /// - Parameter answer: The decoded answer.
    /// - Returns: The resources, state taken from the server object.
    public static func resources(of answer: PeonServerStats) -> ServerResources {
        resources(server: answer.server, stats: answer.stats)
    }

    /// The usage of a server object and its statistics.
    /// - Parameters:
    ///   - server: The server object (for the state).
    ///   - stats: Docker's statistics, or "Not available".
    /// - Returns: The resources; disk and uptime are always unreported, the rest when they cannot be worked out.
    public static func resources(server: PeonServer, stats: PeonStats) -> ServerResources {
        guard case .docker(let docker) = stats else {
            return ServerResources(
                state: server.state,
                rawState: server.rawState,
                unreported: [.cpu, .memory, .network, .disk, .uptime]
            )
        }
        var unreported: ServerResources.Fields = [.disk, .uptime]
        let cpu = cpuAbsolute(docker)
        if cpu == nil { unreported.insert(.cpu) }
        let memory = memoryBytes(docker.memory)
        if memory == nil { unreported.insert(.memory) }
        let network = networkBytes(docker.networks)
        if network == nil { unreported.insert(.network) }
        return ServerResources(
            state: server.state,
            rawState: server.rawState,
            memoryBytes: memory ?? 0,
            cpuAbsolute: cpu ?? 0,
            networkRxBytes: network?.rx ?? 0,
            networkTxBytes: network?.tx ?? 0,
            unreported: unreported
        )
    }

    /// CPU use in percent of one core (Docker CLI's and Wings' formula, reference §6): Δ`total_usage` ÷
    /// Δ`system_cpu_usage` × CPUs × 100, from `precpu_stats` to `cpu_stats`.
    ///
    /// `nil` (unknown, never 0) when the earlier sample is missing or zero (a first read), when the host's time did
    /// not advance, when a counter went backwards (a restart in between), or when the number of CPUs is unknown.
    /// The CPUs are `online_cpus`, or the length of `percpu_usage` when Docker omits it.
    /// - Parameter stats: Docker's statistics.
    /// - Returns: The percentage, or `nil` when unknown.
    public static func cpuAbsolute(_ stats: DockerStats) -> Double? {
        guard let now = stats.cpu, let before = stats.precpu,
            let total = now.totalUsage, let previousTotal = before.totalUsage, previousTotal > 0,
            let system = now.systemCPUUsage, let previousSystem = before.systemCPUUsage, previousSystem > 0,
            system > previousSystem, total >= previousTotal
        else { return nil }
        let onlineCPUs = now.onlineCPUs.flatMap { $0 > 0 ? $0 : nil }
        let listedCPUs = now.percpuUsage.flatMap { $0.isEmpty ? nil : $0.count }
        guard let cpus = onlineCPUs ?? listedCPUs else { return nil }
        return Double(total - previousTotal) / Double(system - previousSystem) * Double(cpus) * 100
    }

    /// Memory in use without the reclaimable page cache (reference §6): `usage` − `inactive_file` (cgroup v2), or
    /// − `total_inactive_file`, or − `cache` (cgroup v1), never below 0.
    /// - Parameter memory: `memory_stats`.
    /// - Returns: Bytes, or `nil` when Docker sent no `usage` (a stopped container).
    public static func memoryBytes(_ memory: DockerMemoryStats?) -> Int? {
        guard let memory, let usage = memory.usage else { return nil }
        let reclaimable = memory.inactiveFile ?? memory.totalInactiveFile ?? memory.cache ?? 0
        return max(0, usage - reclaimable)
    }

    /// Bytes received and sent, summed over every interface (reference §6).
    /// - Parameter networks: `networks`.
    /// - Returns: The sums, or `nil` when Docker sent no `networks`.
    public static func networkBytes(_ networks: [String: DockerNetworkStats]?) -> (rx: Int, tx: Int)? {
        guard let networks else { return nil }
        return networks.values.reduce(into: (rx: 0, tx: 0)) { sum, interface in
            sum.rx = saturatingSum(sum.rx, interface.rxBytes ?? 0)
            sum.tx = saturatingSum(sum.tx, interface.txBytes ?? 0)
        }
    }

    /// `a + b`, or `Int.max` instead of trapping on absurd counters.
    private static func saturatingSum(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : sum
    }
}
