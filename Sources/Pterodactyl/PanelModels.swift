import PanelCore

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
    /// The container image (`docker_image`), when the listing has it.
    public var dockerImage: String?
    /// The egg's startup variables the key may read (`env_variable` → `server_value`).
    public var startupVariables: [String: String]

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
        allocations: [ServerAllocation] = [],
        dockerImage: String? = nil,
        startupVariables: [String: String] = [:]
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
        self.dockerImage = dockerImage
        self.startupVariables = startupVariables
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
    public var primaryAllocation: ServerAllocation? { allocations.primary }

    /// The address to show users: the default allocation's `alias ?? ip` and port, e.g. `play.example.com:25565`.
    public var address: String? { primaryAllocation?.address }

    /// The ports of the non-default allocations, ascending.
    public var additionalPorts: [Int] { allocations.additionalPorts }
}

// MARK: - Nodes

/// A node from `GET /api/application/nodes?include=location` (`app/Transformers/Api/Application/NodeTransformer.php`).
///
/// The panel has no live node usage: ``allocatedMemoryMiB``, ``allocatedDiskMiB`` and ``allocatedCPUPercent`` are
/// sums of server limits.
public struct PanelNode: Sendable, Hashable {
    /// Numeric node id.
    public var id: Int
    /// Node UUID.
    public var uuid: String?
    /// Display name.
    public var name: String
    /// Optional description.
    public var description: String?
    /// Location id (Pterodactyl; Pelican has no locations).
    public var locationID: Int?
    /// The included location, when the panel has locations and the application key may read them.
    public var location: PanelLocation?
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
    /// Total CPU, percent of one core; `0` means unlimited (Pelican only, `nil` on Pterodactyl).
    public var cpuPercent: Int?
    /// CPU over-allocation percent; -1 disables the check (Pelican only).
    public var cpuOverallocatePercent: Int?
    /// Sum of the CPU limits of the node's servers, percent of one core (Pelican only).
    public var allocatedCPUPercent: Int?

    /// Creates a node value.
    public init(
        id: Int,
        uuid: String? = nil,
        name: String,
        description: String? = nil,
        locationID: Int? = nil,
        location: PanelLocation? = nil,
        fqdn: String? = nil,
        isInMaintenance: Bool = false,
        memoryMiB: Int = 0,
        memoryOverallocatePercent: Int = 0,
        diskMiB: Int = 0,
        diskOverallocatePercent: Int = 0,
        allocatedMemoryMiB: Int = 0,
        allocatedDiskMiB: Int = 0,
        cpuPercent: Int? = nil,
        cpuOverallocatePercent: Int? = nil,
        allocatedCPUPercent: Int? = nil
    ) {
        self.id = id
        self.uuid = uuid
        self.name = name
        self.description = description
        self.locationID = locationID
        self.location = location
        self.fqdn = fqdn
        self.isInMaintenance = isInMaintenance
        self.memoryMiB = memoryMiB
        self.memoryOverallocatePercent = memoryOverallocatePercent
        self.diskMiB = diskMiB
        self.diskOverallocatePercent = diskOverallocatePercent
        self.allocatedMemoryMiB = allocatedMemoryMiB
        self.allocatedDiskMiB = allocatedDiskMiB
        self.cpuPercent = cpuPercent
        self.cpuOverallocatePercent = cpuOverallocatePercent
        self.allocatedCPUPercent = allocatedCPUPercent
    }
}

/// A node's location (Pterodactyl `app/Transformers/Api/Application/LocationTransformer.php`).
public struct PanelLocation: Sendable, Hashable {
    /// Location id, when sent.
    public var id: Int?
    /// The short code, e.g. `de-fra`; may be empty.
    public var short: String
    /// The long name, e.g. `Frankfurt, Germany`, when set.
    public var long: String?

    /// Creates a location.
    /// - Parameters:
    ///   - id: Location id.
    ///   - short: Short code.
    ///   - long: Long name.
    public init(id: Int? = nil, short: String, long: String? = nil) {
        self.id = id
        self.short = short
        self.long = long
    }

    /// The short code, or the long name when the code is empty; `nil` when both are.
    public var displayName: String? {
        if !short.isEmpty { return short }
        if let long, !long.isEmpty { return long }
        return nil
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
