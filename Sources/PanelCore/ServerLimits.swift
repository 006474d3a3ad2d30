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
