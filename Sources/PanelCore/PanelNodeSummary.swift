/// A host machine (node) as a backend lists it. Capacities include over-allocation; `nil` means unlimited.
public struct PanelNodeSummary: Sendable, Hashable {
    /// The backend's node identifier.
    public var id: String
    /// Display name.
    public var name: String
    /// True in maintenance mode.
    public var isInMaintenance: Bool
    /// Memory the node may hand out, MiB, or `nil` when unlimited.
    public var memoryCapacityMiB: Int?
    /// Memory handed out to servers (the sum of their limits), MiB.
    public var memoryAllocatedMiB: Int
    /// Disk the node may hand out, MiB, or `nil` when unlimited.
    public var diskCapacityMiB: Int?
    /// Disk handed out to servers, MiB.
    public var diskAllocatedMiB: Int
    /// Addresses (allocations) not assigned to a server yet, when the backend says.
    public var freeAllocations: Int?
    /// Where the node stands (the panel's location name or code), when the backend says.
    public var location: String?
    /// CPU the node may hand out, percent of one core, when the backend tracks it (Pelican); `nil` otherwise or
    /// when unlimited.
    public var cpuCapacityPercent: Int?
    /// CPU handed out to servers, percent of one core, when the backend tracks it (Pelican).
    public var cpuAllocatedPercent: Int?

    /// Creates a node summary.
    public init(
        id: String,
        name: String,
        isInMaintenance: Bool = false,
        memoryCapacityMiB: Int?,
        memoryAllocatedMiB: Int,
        diskCapacityMiB: Int?,
        diskAllocatedMiB: Int,
        freeAllocations: Int? = nil,
        location: String? = nil,
        cpuCapacityPercent: Int? = nil,
        cpuAllocatedPercent: Int? = nil
    ) {
        self.id = id
        self.name = name
        self.isInMaintenance = isInMaintenance
        self.memoryCapacityMiB = memoryCapacityMiB
        self.memoryAllocatedMiB = memoryAllocatedMiB
        self.diskCapacityMiB = diskCapacityMiB
        self.diskAllocatedMiB = diskAllocatedMiB
        self.freeAllocations = freeAllocations
        self.location = location
        self.cpuCapacityPercent = cpuCapacityPercent
        self.cpuAllocatedPercent = cpuAllocatedPercent
    }
}
