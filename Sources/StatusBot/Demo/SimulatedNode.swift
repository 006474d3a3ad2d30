import PanelCore

/// A node (host machine) of the ``SimulatedPanel``: what the panel's Application API says about it. What is
/// allocated is not stored: the panel sums the limits of the servers on the node, and so does
/// ``summary(servers:)``.
public struct SimulatedNode: Sendable, Hashable {
    /// The panel's node identifier.
    public var id: String
    /// The name servers refer to (``GameServer/nodeName``).
    public var name: String
    /// The location's name.
    public var location: String?
    /// Physical memory the node offers, MiB.
    public var memoryMiB: Int
    /// How far memory may be over-allocated, percent on top of ``memoryMiB``; negative for no limit (as the
    /// panel's `-1`).
    public var memoryOverallocatePercent: Int
    /// Disk the node offers, MiB.
    public var diskMiB: Int
    /// How far disk may be over-allocated, percent; negative for no limit.
    public var diskOverallocatePercent: Int
    /// Addresses (ip:port allocations) the node has, assigned to servers or not.
    public var allocationCount: Int
    /// True in maintenance mode.
    public var isInMaintenance: Bool

    /// Creates a node.
    /// - Parameters:
    ///   - id: The panel's node identifier.
    ///   - name: The name servers refer to.
    ///   - location: The location's name.
    ///   - memoryMiB: Physical memory, MiB.
    ///   - memoryOverallocatePercent: Memory over-allocation, percent (negative: unlimited).
    ///   - diskMiB: Disk, MiB.
    ///   - diskOverallocatePercent: Disk over-allocation, percent (negative: unlimited).
    ///   - allocationCount: Addresses the node has.
    ///   - isInMaintenance: Maintenance mode.
    public init(
        id: String,
        name: String,
        location: String? = nil,
        memoryMiB: Int,
        memoryOverallocatePercent: Int = 0,
        diskMiB: Int,
        diskOverallocatePercent: Int = 0,
        allocationCount: Int,
        isInMaintenance: Bool = false
    ) {
        self.id = id
        self.name = name
        self.location = location
        self.memoryMiB = memoryMiB
        self.memoryOverallocatePercent = memoryOverallocatePercent
        self.diskMiB = diskMiB
        self.diskOverallocatePercent = diskOverallocatePercent
        self.allocationCount = allocationCount
        self.isInMaintenance = isInMaintenance
    }

    /// The node as the panel lists it: capacities with over-allocation, allocated = the sum of the limits of the
    /// servers on it, free addresses = those no server uses.
    /// - Parameter servers: Every server of the panel (those of other nodes are ignored).
    /// - Returns: The summary.
    public func summary(servers: [GameServer]) -> PanelNodeSummary {
        let own = servers.filter { $0.nodeName == name }
        return PanelNodeSummary(
            id: id,
            name: name,
            isInMaintenance: isInMaintenance,
            memoryCapacityMiB: Self.capacity(memoryMiB, overallocatePercent: memoryOverallocatePercent),
            memoryAllocatedMiB: own.reduce(0) { $0 + $1.limits.memoryMiB },
            diskCapacityMiB: Self.capacity(diskMiB, overallocatePercent: diskOverallocatePercent),
            diskAllocatedMiB: own.reduce(0) { $0 + $1.limits.diskMiB },
            freeAllocations: max(0, allocationCount - own.reduce(0) { $0 + $1.allocations.count }),
            location: location
        )
    }

    /// The panel's rule: `size × (1 + overallocate / 100)`, no limit for a negative over-allocation.
    private static func capacity(_ size: Int, overallocatePercent: Int) -> Int? {
        overallocatePercent < 0 ? nil : size * (100 + overallocatePercent) / 100
    }
}

// MARK: - Built-in scenarios

extension SimulatedNode {
    /// The demo's two nodes. `node-us-1` hands out 32 GiB of memory (Rust, ARK, CS2) of 33.6 GiB it may
    /// (32 GiB plus 5 % over-allocation): 95 %, over the 90 % alert threshold. `node-eu-1` is half used.
    public static let demo: [SimulatedNode] = [
        SimulatedNode(
            id: "1",
            name: "node-eu-1",
            location: "Frankfurt (fra1)",
            memoryMiB: 32_768,
            diskMiB: 204_800,
            allocationCount: 40
        ),
        SimulatedNode(
            id: "2",
            name: "node-us-1",
            location: "Ashburn (iad1)",
            memoryMiB: 32_768,
            memoryOverallocatePercent: 5,
            diskMiB: 262_144,
            diskOverallocatePercent: 10,
            allocationCount: 12
        ),
    ]
}
