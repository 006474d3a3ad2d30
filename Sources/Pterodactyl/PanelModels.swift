// MARK: - Servers

/// A server as listed by the panel (Client API `GET /api/client`, or Application API `GET /api/application/servers`).
///
/// Shapes: pterodactyl/panel `app/Transformers/Api/Client/ServerTransformer.php` and
/// `app/Transformers/Api/Application/ServerTransformer.php`.
public struct PanelServer: Sendable, Hashable {
    /// The 8-character identifier used in Client API routes.
    public var id: ServerID
    /// The full UUID; the stable key for a server.
    public var uuid: String
    /// The numeric id used by the Application API (`internal_id` in the Client API), if known.
    public var internalID: Int?
    /// The display name: any UTF-8 up to 191 characters. Escape Markdown and mentions before showing it.
    public var name: String
    /// The description; may be empty.
    public var description: String?
    /// The node's name (Client API `node`, or the included node's `name`).
    public var nodeName: String?
    /// The node's numeric id (Application API only).
    public var nodeID: Int?
    /// Resource limits, in MiB and percent of one core.
    public var limits: ServerLimits
    /// The panel's `status` column.
    public var status: PanelStatus
    /// True while a transfer to another node is in progress.
    public var isTransferring: Bool
    /// True while the node is in maintenance mode (Client API only).
    public var isNodeUnderMaintenance: Bool
    /// The server's allocations (IP/port pairs); may be empty when the key may not see them.
    public var allocations: [ServerAllocation]

    /// Creates a server value.
    public init(
        id: ServerID,
        uuid: String,
        internalID: Int? = nil,
        name: String,
        description: String? = nil,
        nodeName: String? = nil,
        nodeID: Int? = nil,
        limits: ServerLimits = ServerLimits(),
        status: PanelStatus = .normal,
        isTransferring: Bool = false,
        isNodeUnderMaintenance: Bool = false,
        allocations: [ServerAllocation] = []
    ) {
        self.id = id
        self.uuid = uuid
        self.internalID = internalID
        self.name = name
        self.description = description
        self.nodeName = nodeName
        self.nodeID = nodeID
        self.limits = limits
        self.status = status
        self.isTransferring = isTransferring
        self.isNodeUnderMaintenance = isNodeUnderMaintenance
        self.allocations = allocations
    }

    /// The state the panel will force on `/resources` (a guaranteed 409), or `nil` when `/resources` is worth asking.
    ///
    /// Priority follows `AuthenticateServerAccess.php`: suspended, node maintenance, installing, restoring, transfer.
    public var conflictState: ServerState? {
        switch status {
        case .suspended: return .suspended
        default: break
        }
        if isNodeUnderMaintenance { return .nodeMaintenance }
        switch status {
        case .installing, .installFailed: return .installing
        case .restoringBackup: return .restoringBackup
        default: break
        }
        return isTransferring ? .transferring : nil
    }

    /// The default allocation, the one players connect to.
    public var primaryAllocation: ServerAllocation? {
        allocations.first(where: \.isDefault) ?? allocations.first
    }

    /// The address to show users: the default allocation's `alias ?? ip` and port, e.g. `play.example.com:25565`.
    public var address: String? { primaryAllocation?.address }

    /// The ports of the non-default allocations, ascending.
    public var additionalPorts: [Int] {
        let primaryID = primaryAllocation?.id
        return allocations.filter { $0.id != primaryID }.map(\.port).sorted()
    }
}

/// A server's limits (`limits` object). Memory, swap and disk are MiB; CPU is percent of one core; 0 = unlimited.
public struct ServerLimits: Sendable, Hashable {
    /// Memory limit in MiB; 0 = unlimited.
    public var memoryMiB: Int
    /// Swap in MiB; 0 = none, -1 = unlimited.
    public var swapMiB: Int
    /// Disk limit in MiB; 0 = unlimited.
    public var diskMiB: Int
    /// CPU limit in percent of one core (200 = two cores); 0 = unlimited.
    public var cpuPercent: Int
    /// Block-IO weight (10–1000), if sent.
    public var ioWeight: Int?
    /// A cpuset string such as `0-1,3`, or `nil`.
    public var threads: String?

    /// Creates limits; all default to unlimited.
    public init(
        memoryMiB: Int = 0,
        swapMiB: Int = 0,
        diskMiB: Int = 0,
        cpuPercent: Int = 0,
        ioWeight: Int? = nil,
        threads: String? = nil
    ) {
        self.memoryMiB = memoryMiB
        self.swapMiB = swapMiB
        self.diskMiB = diskMiB
        self.cpuPercent = cpuPercent
        self.ioWeight = ioWeight
        self.threads = threads
    }

    /// The memory limit in bytes (MiB × 1 048 576, as the panel UI computes it), or `nil` when unlimited.
    public var memoryBytes: Int? { memoryMiB > 0 ? memoryMiB * 1_048_576 : nil }

    /// The disk limit in bytes, or `nil` when unlimited.
    public var diskBytes: Int? { diskMiB > 0 ? diskMiB * 1_048_576 : nil }

    /// The CPU limit in cores (200 % = 2.0), or `nil` when unlimited.
    public var cpuCores: Double? { cpuPercent > 0 ? Double(cpuPercent) / 100 : nil }
}

/// One IP/port pair assigned to a server (client `allocation` object, or application `allocation` object).
public struct ServerAllocation: Sendable, Hashable {
    /// The allocation id.
    public var id: Int
    /// The IP the port is bound to.
    public var ip: String
    /// The public name for `ip` (`ip_alias`/`alias`), if any.
    public var alias: String?
    /// The port.
    public var port: Int
    /// Notes, if visible.
    public var notes: String?
    /// True for the primary allocation.
    public var isDefault: Bool

    /// Creates an allocation.
    public init(id: Int, ip: String, alias: String? = nil, port: Int, notes: String? = nil, isDefault: Bool) {
        self.id = id
        self.ip = ip
        self.alias = alias
        self.port = port
        self.notes = notes
        self.isDefault = isDefault
    }

    /// `alias ?? ip` and the port; IPv6 literals are bracketed.
    public var address: String {
        let host = alias.flatMap { $0.isEmpty ? nil : $0 } ?? ip
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

// MARK: - Resources

/// Live usage from `GET /api/client/servers/{server}/resources`.
///
/// Units (pterodactyl/wings `environment/docker/stats.go`): CPU is percent of ONE core (250 = 2.5 cores); memory,
/// disk and network are bytes; network counters are cumulative since the container started; uptime is
/// milliseconds. The panel caches this answer for 20 s per server: use ``isSameSample(as:)`` to skip repeats.
public struct ServerResources: Sendable, Hashable {
    /// The power state (unknown strings map to ``ServerState/offline``).
    public var state: ServerState
    /// `current_state` as sent.
    public var rawState: String
    /// Memory in use, bytes.
    public var memoryBytes: Int
    /// CPU use in percent of one core; up to 100 × host cores.
    public var cpuAbsolute: Double
    /// Disk in use, bytes (Wings refreshes this about every 150 s).
    public var diskBytes: Int
    /// Bytes received since the container started.
    public var networkRxBytes: Int
    /// Bytes sent since the container started.
    public var networkTxBytes: Int
    /// Milliseconds since the container started; 0 when offline.
    public var uptimeMilliseconds: Int

    /// Creates a resources value.
    public init(
        state: ServerState,
        rawState: String? = nil,
        memoryBytes: Int = 0,
        cpuAbsolute: Double = 0,
        diskBytes: Int = 0,
        networkRxBytes: Int = 0,
        networkTxBytes: Int = 0,
        uptimeMilliseconds: Int = 0
    ) {
        self.state = state
        self.rawState = rawState ?? state.rawValue
        self.memoryBytes = memoryBytes
        self.cpuAbsolute = cpuAbsolute
        self.diskBytes = diskBytes
        self.networkRxBytes = networkRxBytes
        self.networkTxBytes = networkTxBytes
        self.uptimeMilliseconds = uptimeMilliseconds
    }

    /// CPU use in cores (`cpuAbsolute / 100`).
    public var cpuCores: Double { cpuAbsolute / 100 }

    /// Uptime as a duration.
    public var uptime: Duration { .milliseconds(uptimeMilliseconds) }

    /// CPU use as a fraction of the limit (may exceed 1 briefly), or `nil` when the CPU is unlimited.
    /// - Parameter limits: The server's limits.
    public func cpuFraction(of limits: ServerLimits) -> Double? {
        limits.cpuPercent > 0 ? cpuAbsolute / Double(limits.cpuPercent) : nil
    }

    /// Memory use as a fraction of the limit (may slightly exceed 1: Wings adds overhead), or `nil` when unlimited.
    /// - Parameter limits: The server's limits.
    public func memoryFraction(of limits: ServerLimits) -> Double? {
        limits.memoryBytes.map { Double(memoryBytes) / Double($0) }
    }

    /// True when `other` is the same cached answer: the panel serves identical stats for 20 s, so an equal uptime
    /// and equal counters mean no new sample was taken. (Two offline answers also compare equal: nothing changed.)
    /// - Parameter other: An earlier answer for the same server.
    public func isSameSample(as other: ServerResources) -> Bool {
        self == other
    }
}

// MARK: - Nodes

/// A node from `GET /api/application/nodes` (`app/Transformers/Api/Application/NodeTransformer.php`).
///
/// The panel has no live node usage: ``allocatedMemoryMiB`` and ``allocatedDiskMiB`` are sums of server limits.
public struct PanelNode: Sendable, Hashable {
    /// Numeric node id.
    public var id: Int
    /// Node UUID.
    public var uuid: String?
    /// Display name.
    public var name: String
    /// Optional description.
    public var description: String?
    /// Location id.
    public var locationID: Int?
    /// The node's host name.
    public var fqdn: String?
    /// True in maintenance mode.
    public var isInMaintenance: Bool
    /// Total memory in MiB.
    public var memoryMiB: Int
    /// Memory over-allocation percent; -1 disables the check.
    public var memoryOverallocatePercent: Int
    /// Total disk in MiB.
    public var diskMiB: Int
    /// Disk over-allocation percent; -1 disables the check.
    public var diskOverallocatePercent: Int
    /// Sum of the memory limits of the node's servers, MiB.
    public var allocatedMemoryMiB: Int
    /// Sum of the disk limits of the node's servers, MiB.
    public var allocatedDiskMiB: Int

    /// Creates a node value.
    public init(
        id: Int,
        uuid: String? = nil,
        name: String,
        description: String? = nil,
        locationID: Int? = nil,
        fqdn: String? = nil,
        isInMaintenance: Bool = false,
        memoryMiB: Int = 0,
        memoryOverallocatePercent: Int = 0,
        diskMiB: Int = 0,
        diskOverallocatePercent: Int = 0,
        allocatedMemoryMiB: Int = 0,
        allocatedDiskMiB: Int = 0
    ) {
        self.id = id
        self.uuid = uuid
        self.name = name
        self.description = description
        self.locationID = locationID
        self.fqdn = fqdn
        self.isInMaintenance = isInMaintenance
        self.memoryMiB = memoryMiB
        self.memoryOverallocatePercent = memoryOverallocatePercent
        self.diskMiB = diskMiB
        self.diskOverallocatePercent = diskOverallocatePercent
        self.allocatedMemoryMiB = allocatedMemoryMiB
        self.allocatedDiskMiB = allocatedDiskMiB
    }
}

/// One allocation of a node, from `GET /api/application/nodes/{id}/allocations`.
public struct NodeAllocation: Sendable, Hashable {
    /// Allocation id.
    public var id: Int
    /// Bound IP.
    public var ip: String
    /// Public alias, if any.
    public var alias: String?
    /// Port.
    public var port: Int
    /// Notes, if any.
    public var notes: String?
    /// True when a server uses it; false for a free allocation.
    public var isAssigned: Bool

    /// Creates a node allocation.
    public init(id: Int, ip: String, alias: String? = nil, port: Int, notes: String? = nil, isAssigned: Bool) {
        self.id = id
        self.ip = ip
        self.alias = alias
        self.port = port
        self.notes = notes
        self.isAssigned = isAssigned
    }
}
