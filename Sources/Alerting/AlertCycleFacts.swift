import PanelCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Everything the alert engine needs to know about one monitoring cycle, built by the bot from its monitor.
public struct AlertCycleFacts: Sendable, Hashable {
    /// Whether each panel answered: one entry per panel the bot could tell about this cycle, the default panel
    /// first. A panel missing from the list is not evaluated; while its unreachable or refused-key alert is open,
    /// its nodes and servers stay inhibited.
    public var panels: [PanelCycleFacts]
    /// The nodes, or `nil` when they were not learned this cycle: node alerts then neither open nor clear.
    public var nodes: [NodeFacts]?
    /// The servers seen this cycle. For each panel that answered, this list is complete: a server of that panel
    /// missing from it is gone.
    public var servers: [ServerFacts]

    /// Creates the facts of one cycle.
    /// - Parameters:
    ///   - panels: Whether each panel answered.
    ///   - nodes: The nodes, or `nil` when unknown this cycle.
    ///   - servers: The servers.
    public init(panels: [PanelCycleFacts], nodes: [NodeFacts]?, servers: [ServerFacts]) {
        self.panels = panels
        self.nodes = nodes
        self.servers = servers
    }

    /// Creates the facts of one cycle of a bot that serves one panel, shown as "the panel".
    /// - Parameters:
    ///   - panel: Whether the panel answered.
    ///   - nodes: The nodes, or `nil` when unknown this cycle.
    ///   - servers: The servers.
    public init(panel: PanelFacts, nodes: [NodeFacts]?, servers: [ServerFacts]) {
        self.init(panels: [PanelCycleFacts(name: nil, status: panel)], nodes: nodes, servers: servers)
    }
}

/// One panel as seen this cycle.
public struct PanelCycleFacts: Sendable, Hashable {
    /// The `NAME` of its `[Panel:NAME]` section (``ServerID/panel`` of its servers), or `nil` for the default
    /// panel. Alert keys use it, so it must not change between cycles.
    public var name: String?
    /// What alerts call the panel when the bot serves several (its host, or its `NAME`), or `nil` when it serves
    /// one: alerts then say "the panel".
    public var displayName: String?
    /// Whether it answered.
    public var status: PanelFacts

    /// Creates panel facts.
    /// - Parameters:
    ///   - name: The panel's name, `nil` for the default panel.
    ///   - displayName: What alerts call it among several, `nil` with one panel.
    ///   - status: Whether it answered.
    public init(name: String?, displayName: String? = nil, status: PanelFacts) {
        self.name = name
        self.displayName = displayName
        self.status = status
    }
}

/// Whether a panel answered this cycle.
public enum PanelFacts: Sendable, Hashable {
    /// The panel answered with the bot's key.
    case answering
    /// The panel did not answer. `detail` is a secret-free sentence, e.g. "connection refused".
    case unreachable(detail: String)
    /// The panel answered but refused the key (401/403). `detail` is a secret-free sentence.
    case keyRefused(detail: String)
}

/// Whether a node's daemon answers, as the bot infers it from its servers.
public enum NodeReachability: Sendable, Hashable {
    /// At least one server on the node answers, or the node has no servers to tell.
    case reachable
    /// Every server on the node fails while other nodes answer, since the given time.
    case unreachable(since: Date)
    /// The bot cannot tell this cycle: the node neither opens nor clears its unreachable alert.
    case unknown
}

/// One node as seen this cycle.
public struct NodeFacts: Sendable, Hashable {
    /// The node's display name; servers refer to it by ``ServerFacts/nodeName``. Names are distinct across
    /// panels: a named panel's nodes carry its name (`home: node1`).
    public var name: String
    /// The `NAME` of the panel that lists it, `nil` for the default panel: its alerts are inhibited while that
    /// panel is down.
    public var panel: String?
    /// Where the node stands, when the panel says.
    public var location: String?
    /// Whether its daemon answers.
    public var reachability: NodeReachability
    /// Memory handed out to its servers, MiB.
    public var memoryAllocatedMiB: Int
    /// Memory it may hand out, MiB, or `nil` when unlimited.
    public var memoryCapacityMiB: Int?
    /// Disk handed out to its servers, MiB.
    public var diskAllocatedMiB: Int
    /// Disk it may hand out, MiB, or `nil` when unlimited.
    public var diskCapacityMiB: Int?

    /// Creates node facts.
    /// - Parameters:
    ///   - name: Display name.
    ///   - panel: Its panel's name, `nil` for the default panel.
    ///   - location: Location name, if known.
    ///   - reachability: Whether its daemon answers.
    ///   - memoryAllocatedMiB: Memory handed out, MiB.
    ///   - memoryCapacityMiB: Memory capacity, MiB, `nil` when unlimited.
    ///   - diskAllocatedMiB: Disk handed out, MiB.
    ///   - diskCapacityMiB: Disk capacity, MiB, `nil` when unlimited.
    public init(
        name: String,
        panel: String? = nil,
        location: String? = nil,
        reachability: NodeReachability = .reachable,
        memoryAllocatedMiB: Int = 0,
        memoryCapacityMiB: Int? = nil,
        diskAllocatedMiB: Int = 0,
        diskCapacityMiB: Int? = nil
    ) {
        self.name = name
        self.panel = panel
        self.location = location
        self.reachability = reachability
        self.memoryAllocatedMiB = memoryAllocatedMiB
        self.memoryCapacityMiB = memoryCapacityMiB
        self.diskAllocatedMiB = diskAllocatedMiB
        self.diskCapacityMiB = diskCapacityMiB
    }

    /// Memory allocated in percent of capacity, or `nil` when the capacity is unlimited (or zero).
    public var memoryAllocatedPercent: Double? {
        Self.percent(memoryAllocatedMiB, of: memoryCapacityMiB)
    }

    /// Disk allocated in percent of capacity, or `nil` when the capacity is unlimited (or zero).
    public var diskAllocatedPercent: Double? {
        Self.percent(diskAllocatedMiB, of: diskCapacityMiB)
    }

    private static func percent(_ allocated: Int, of capacity: Int?) -> Double? {
        // Pterodactyl stores "unlimited" as 0 on some versions: treat it like nil rather than dividing by zero.
        guard let capacity, capacity > 0 else { return nil }
        return Double(allocated) / Double(capacity) * 100
    }
}

/// Why a server stopped without anyone asking it to.
public enum StopCause: String, Sendable, Hashable, Codable {
    /// Neither the panel's activity log nor the bot has a power action for the stop: the server crashed.
    case crashed
    /// The activity log could not be read, so the bot cannot tell a crash from a requested stop.
    case causeUnknown
}

/// One server as seen this cycle.
public struct ServerFacts: Sendable, Hashable {
    /// The panel identifier.
    public var id: ServerID
    /// Display name.
    public var name: String
    /// The node it runs on, when known; used to inhibit its alerts while that node is unreachable.
    public var nodeName: String?
    /// Its state this cycle.
    public var state: ServerState
    /// True when this cycle's figures are old (the server was not polled in time): the server is not evaluated.
    public var isStale: Bool
    /// CPU use in percent of its CPU limit, or `nil` without a limit or figure.
    public var cpuPercentOfLimit: Double?
    /// Memory use in percent of its memory limit, or `nil` without a limit or figure.
    public var memoryPercentOfLimit: Double?
    /// Disk use in percent of its disk limit, or `nil` without a limit or figure.
    public var diskPercentOfLimit: Double?
    /// Set only on the cycle where the bot saw running → offline/stopping with no requested power action.
    public var unexpectedStop: StopCause?

    /// Creates server facts.
    /// - Parameters:
    ///   - id: Panel identifier.
    ///   - name: Display name.
    ///   - nodeName: Its node, if known.
    ///   - state: Its state this cycle.
    ///   - isStale: True when the figures are old.
    ///   - cpuPercentOfLimit: CPU in percent of the limit.
    ///   - memoryPercentOfLimit: Memory in percent of the limit.
    ///   - diskPercentOfLimit: Disk in percent of the limit.
    ///   - unexpectedStop: Set on the cycle of an unrequested stop.
    public init(
        id: ServerID,
        name: String,
        nodeName: String? = nil,
        state: ServerState,
        isStale: Bool = false,
        cpuPercentOfLimit: Double? = nil,
        memoryPercentOfLimit: Double? = nil,
        diskPercentOfLimit: Double? = nil,
        unexpectedStop: StopCause? = nil
    ) {
        self.id = id
        self.name = name
        self.nodeName = nodeName
        self.state = state
        self.isStale = isStale
        self.cpuPercentOfLimit = cpuPercentOfLimit
        self.memoryPercentOfLimit = memoryPercentOfLimit
        self.diskPercentOfLimit = diskPercentOfLimit
        self.unexpectedStop = unexpectedStop
    }
}
