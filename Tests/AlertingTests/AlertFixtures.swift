import Alerting
import PanelCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Hand-made instants and facts shared by the alerting suites.
enum Fixture {
    /// A fixed origin, so every date in a test is explicit.
    static let t0 = Date(timeIntervalSince1970: 1_750_000_000)

    /// `t0` plus whole seconds.
    static func at(_ seconds: Int) -> Date {
        t0.addingTimeInterval(TimeInterval(seconds))
    }

    /// A running server with optional figures.
    static func server(
        _ id: String,
        name: String? = nil,
        node: String? = "n1",
        state: ServerState = .running,
        stale: Bool = false,
        cpu: Double? = nil,
        memory: Double? = nil,
        disk: Double? = nil,
        stop: StopCause? = nil
    ) -> ServerFacts {
        ServerFacts(
            id: ServerID(id),
            name: name ?? "Server \(id)",
            nodeName: node,
            state: state,
            isStale: stale,
            cpuPercentOfLimit: cpu,
            memoryPercentOfLimit: memory,
            diskPercentOfLimit: disk,
            unexpectedStop: stop
        )
    }

    /// A reachable node with room to spare.
    static func node(
        _ name: String = "n1",
        reachability: NodeReachability = .reachable,
        memoryMiB: Int = 1024,
        memoryCapacityMiB: Int? = 32768
    ) -> NodeFacts {
        NodeFacts(
            name: name,
            reachability: reachability,
            memoryAllocatedMiB: memoryMiB,
            memoryCapacityMiB: memoryCapacityMiB,
            diskAllocatedMiB: 0,
            diskCapacityMiB: nil
        )
    }

    /// Facts with an answering panel and one healthy node unless told otherwise.
    static func facts(
        _ servers: [ServerFacts],
        nodes: [NodeFacts]? = [node()],
        panel: PanelFacts = .answering
    ) -> AlertCycleFacts {
        AlertCycleFacts(panel: panel, nodes: nodes, servers: servers)
    }

    /// The CPU alert key of a server.
    static func cpuKey(_ id: String) -> AlertKey {
        AlertKey(kind: .serverCPU, subject: .server(ServerID(id)))
    }

    /// The stopped alert key of a server.
    static func stoppedKey(_ id: String) -> AlertKey {
        AlertKey(kind: .serverStopped, subject: .server(ServerID(id)))
    }
}

extension AlertEngine {
    /// Evaluates the same facts every `step` seconds from `from` through `through`, returning each outcome.
    mutating func run(
        _ facts: AlertCycleFacts,
        from: Int,
        through: Int,
        step: Int = 60
    ) -> [AlertCycleOutcome] {
        stride(from: from, through: through, by: step).map { evaluate(facts, now: Fixture.at($0)) }
    }
}
