import PanelCore
import Peon

// MARK: - Answering as PEON

/// How a ``SimulatedPanel/Kind/peon`` simulation answers: the machine's state is written as PEON's server object
/// and Docker's statistics (reference: `peon-api.md` §5 and §6), then read back by the real mapping
/// (``PeonUsage``), so the demo shows what the bot makes of a real orchestrator's answers.
extension PanelSimulation {
    /// The host the simulated containers share: as many CPUs as the walk's scale for an unlimited server, and
    /// the RAM Docker gives as `limit` for a container without one.
    private static let peonHostCPUs = Int(unlimitedCPUPercent / 100)
    private static let peonHostMemoryBytes = 16 << 30
    /// Reclaimable page cache Docker counts in `usage`; the mapping takes it off again.
    private static let peonInactiveFileBytes = 96 << 20

    /// What `PeonBackend` answers for `kill`: it sends no request for a signal PEON lacks.
    static let peonHasNoKill = PanelFailure(
        .unsupported,
        detail: "PEON has no kill action (only start, stop, restart)"
    )

    /// PEON's answer for a warcamp it does not have: 404 on a read, 400 on a power call (`docker compose` finds
    /// no compose file; reference §4).
    /// - Parameters:
    ///   - id: The uid asked for.
    ///   - forPower: Whether it was a power call.
    /// - Returns: The failure, as `PeonBackend` maps the answer.
    static func peonUnknownServer(_ id: ServerID, forPower: Bool) -> PanelFailure {
        guard forPower else {
            return PanelFailure(peonError: .notFound(info: "There was an issue getting the server."))
        }
        return PanelFailure(
            peonError: .rejected(
                status: 400,
                info: "Could not complete the requested action for [\(id.rawValue)].",
                errorCode: nil
            )
        )
    }

    /// The usage `PeonBackend` reports for the machine: its `/server/stats/{uid}` answer through ``PeonUsage``.
    /// Disk and uptime are never reported; a stopped container reports nothing.
    static func peonResources(of machine: Machine, tick: Int, tickMilliseconds: Int) -> ServerResources {
        PeonUsage.resources(of: peonStats(of: machine, tick: tick, tickMilliseconds: tickMilliseconds))
    }

    /// The machine as `GET /server/stats/{uid}` answers: the server object plus Docker's statistics.
    private static func peonStats(of machine: Machine, tick: Int, tickMilliseconds: Int) -> PeonServerStats {
        let uid = machine.server.id.rawValue
        let dot = uid.firstIndex(of: ".") ?? uid.endIndex
        let containerState: PeonContainerState =
            switch machine.power {
            case .running: .running
            // Never reached (PEON's power calls skip the phases); what Docker would say if they were.
            case .starting: .restarting
            case .stopping: .running
            default: .exited
            }
        let server = PeonServer(
            gameUID: String(uid[..<dot]),
            serverName: dot < uid.endIndex ? String(uid[uid.index(after: dot)...]) : "",
            containerState: containerState,
            serverDescription: machine.server.description
        )
        guard containerState == .running else {
            // Docker's answer for a stopped container: zeroed CPU counters, empty memory figures, no networks.
            let zero = DockerCPUStats(totalUsage: 0)
            return PeonServerStats(
                server: server,
                stats: .docker(
                    DockerStats(read: "0001-01-01T00:00:00Z", cpu: zero, precpu: zero, memory: DockerMemoryStats())
                )
            )
        }
        // Docker samples twice a second apart: the host's counter grows by one second of every CPU, the
        // container's by one second of what it used. The counters only need to grow; their start is arbitrary.
        let secondNanoseconds = 1_000_000_000
        let hostBefore = (tick + 1) * tickMilliseconds * 1_000_000 * peonHostCPUs
        let usedBefore = max(1, machine.uptimeMilliseconds) * 1_000_000
        let used = Int(machine.cpu * unlimitedCPUPercent / 100 * Double(secondNanoseconds))
        let stats = DockerStats(
            cpu: DockerCPUStats(
                totalUsage: usedBefore + used,
                systemCPUUsage: hostBefore + secondNanoseconds * peonHostCPUs,
                onlineCPUs: peonHostCPUs
            ),
            precpu: DockerCPUStats(totalUsage: usedBefore, systemCPUUsage: hostBefore, onlineCPUs: peonHostCPUs),
            memory: DockerMemoryStats(
                usage: Int(machine.memory * unlimitedMemoryBytes) + peonInactiveFileBytes,
                limit: peonHostMemoryBytes,
                inactiveFile: peonInactiveFileBytes
            ),
            networks: ["eth0": DockerNetworkStats(rxBytes: machine.rxBytes, txBytes: machine.txBytes)]
        )
        return PeonServerStats(server: server, stats: .docker(stats))
    }
}
