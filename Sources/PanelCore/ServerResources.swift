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
    /// Figures this panel kind does not report (or could not work out this time): their values above are 0 and
    /// must be shown as "not reported", never as 0.
    public var unreported: Fields

    /// A set of usage figures.
    public struct Fields: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// ``ServerResources/cpuAbsolute``.
        public static let cpu = Fields(rawValue: 1 << 0)
        /// ``ServerResources/memoryBytes``.
        public static let memory = Fields(rawValue: 1 << 1)
        /// ``ServerResources/diskBytes``.
        public static let disk = Fields(rawValue: 1 << 2)
        /// ``ServerResources/networkRxBytes`` and ``ServerResources/networkTxBytes``.
        public static let network = Fields(rawValue: 1 << 3)
        /// ``ServerResources/uptimeMilliseconds``.
        public static let uptime = Fields(rawValue: 1 << 4)
    }

    /// Creates a resources value.
    public init(
        state: ServerState,
        rawState: String? = nil,
        memoryBytes: Int = 0,
        cpuAbsolute: Double = 0,
        diskBytes: Int = 0,
        networkRxBytes: Int = 0,
        networkTxBytes: Int = 0,
        uptimeMilliseconds: Int = 0,
        unreported: Fields = []
    ) {
        self.state = state
        self.rawState = rawState ?? state.rawValue
        self.memoryBytes = memoryBytes
        self.cpuAbsolute = cpuAbsolute
        self.diskBytes = diskBytes
        self.networkRxBytes = networkRxBytes
        self.networkTxBytes = networkTxBytes
        self.uptimeMilliseconds = uptimeMilliseconds
        self.unreported = unreported
    }

    /// Whether the panel reported `field` in this sample.
    public func reports(_ field: Fields) -> Bool { !unreported.contains(field) }

    /// CPU use in cores (`cpuAbsolute / 100`).
    public var cpuCores: Double { cpuAbsolute / 100 }

    /// Uptime as a duration.
    public var uptime: Duration { .milliseconds(uptimeMilliseconds) }

    /// CPU use as a fraction of the limit (may exceed 1 briefly), or `nil` when the CPU is unlimited.
    /// - Parameter limits: The server's limits.
    public func cpuFraction(of limits: ServerLimits) -> Double? {
        limits.cpuPercent > 0 && reports(.cpu) ? cpuAbsolute / Double(limits.cpuPercent) : nil
    }

    /// Memory use as a fraction of the limit (may slightly exceed 1: Wings adds overhead), or `nil` when unlimited.
    /// - Parameter limits: The server's limits.
    public func memoryFraction(of limits: ServerLimits) -> Double? {
        reports(.memory) ? limits.memoryBytes.map { Double(memoryBytes) / Double($0) } : nil
    }

    /// True when `other` is the same cached answer: the panel serves identical stats for 20 s, so an equal uptime
    /// and equal counters mean no new sample was taken. (Two offline answers also compare equal: nothing changed.)
    /// - Parameter other: An earlier answer for the same server.
    public func isSameSample(as other: ServerResources) -> Bool {
        self == other
    }
}
