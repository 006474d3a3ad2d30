import ClientSupport

/// The answer of `GET /server/stats/{uid}`: the server object plus `"stats"` (reference §4 and §6).
public struct PeonServerStats: Sendable, Hashable, Decodable {
    /// The server object (without its `server_config`, see ``PeonServer``).
    public var server: PeonServer
    /// Docker's statistics, or ``PeonStats/notAvailable``.
    public var stats: PeonStats

    /// Creates an answer (protocol-level fakes build these directly).
    /// - Parameters:
    ///   - server: The server object.
    ///   - stats: The statistics.
    public init(server: PeonServer, stats: PeonStats) {
        self.server = server
        self.stats = stats
    }

    enum CodingKeys: String, CodingKey {
        case stats
    }

    /// Decodes the server object and then `stats`; a missing or unreadable `stats` is ``PeonStats/notAvailable``.
    public init(from decoder: any Decoder) throws {
        server = try PeonServer(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        stats = container.decodeOrNil(PeonStats.self, forKey: .stats) ?? .notAvailable
    }
}

/// PEON's `stats` field (reference §6).
public enum PeonStats: Sendable, Hashable, Decodable {
    /// Docker's `GET /containers/{id}/stats?stream=false` answer.
    case docker(DockerStats)
    /// The JSON string `"Not available"`: PEON could not read the container.
    case notAvailable

    /// A JSON string (PEON's `"Not available"`) is ``notAvailable``; an object is Docker's answer.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if (try? container.decode(String.self)) != nil {
            self = .notAvailable
        } else {
            self = .docker(try container.decode(DockerStats.self))
        }
    }
}

/// The fields of Docker's container statistics a status bot needs (reference §6). Every field is optional: a
/// stopped container's answer is mostly zeros and empty objects.
public struct DockerStats: Sendable, Hashable, Decodable {
    /// `read`: when Docker took the sample.
    public var read: String?
    /// `cpu_stats`: the sample.
    public var cpu: DockerCPUStats?
    /// `precpu_stats`: the sample about one second earlier; empty on a first read.
    public var precpu: DockerCPUStats?
    /// `memory_stats`.
    public var memory: DockerMemoryStats?
    /// `networks` by interface name; absent with `network_mode: host` or for a stopped container.
    public var networks: [String: DockerNetworkStats]?

    /// Creates statistics (tests build these directly).
    public init(
        read: String? = nil,
        cpu: DockerCPUStats? = nil,
        precpu: DockerCPUStats? = nil,
        memory: DockerMemoryStats? = nil,
        networks: [String: DockerNetworkStats]? = nil
    ) {
        self.read = read
        self.cpu = cpu
        self.precpu = precpu
        self.memory = memory
        self.networks = networks
    }

    enum CodingKeys: String, CodingKey {
        case read
        case cpu = "cpu_stats"
        case precpu = "precpu_stats"
        case memory = "memory_stats"
        case networks
    }

    /// Decodes each part on its own, so one odd part leaves the others.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        read = container.decodeOrNil(String.self, forKey: .read)
        cpu = container.decodeOrNil(DockerCPUStats.self, forKey: .cpu)
        precpu = container.decodeOrNil(DockerCPUStats.self, forKey: .precpu)
        memory = container.decodeOrNil(DockerMemoryStats.self, forKey: .memory)
        networks = container.decodeOrNil([String: DockerNetworkStats].self, forKey: .networks)
    }
}

/// `cpu_stats` or `precpu_stats` (reference §6). Times are cumulative nanoseconds.
public struct DockerCPUStats: Sendable, Hashable, Decodable {
    /// `cpu_usage.total_usage`: CPU time the container used.
    public var totalUsage: Int?
    /// `cpu_usage.percpu_usage`: the same per host CPU (cgroup v1 only).
    public var percpuUsage: [Int]?
    /// `system_cpu_usage`: CPU time of the whole host, all CPUs together.
    public var systemCPUUsage: Int?
    /// `online_cpus`: host CPUs (absent on old Docker releases).
    public var onlineCPUs: Int?

    /// Creates a sample (tests build these directly).
    public init(totalUsage: Int? = nil, percpuUsage: [Int]? = nil, systemCPUUsage: Int? = nil, onlineCPUs: Int? = nil) {
        self.totalUsage = totalUsage
        self.percpuUsage = percpuUsage
        self.systemCPUUsage = systemCPUUsage
        self.onlineCPUs = onlineCPUs
    }

    enum CodingKeys: String, CodingKey {
        case cpuUsage = "cpu_usage"
        case systemCPUUsage = "system_cpu_usage"
        case onlineCPUs = "online_cpus"
    }

    enum UsageKeys: String, CodingKey {
        case totalUsage = "total_usage"
        case percpuUsage = "percpu_usage"
    }

    /// Decodes tolerantly: every counter may be missing or odd.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let usage = try? container.nestedContainer(keyedBy: UsageKeys.self, forKey: .cpuUsage)
        totalUsage = usage?.counter(forKey: .totalUsage)
        percpuUsage = usage?.decodeOrNil([Int].self, forKey: .percpuUsage)
        systemCPUUsage = container.counter(forKey: .systemCPUUsage)
        onlineCPUs = container.counter(forKey: .onlineCPUs)
    }
}

/// `memory_stats` (reference §6). Bytes.
public struct DockerMemoryStats: Sendable, Hashable, Decodable {
    /// `usage`: memory charged to the container, page cache included; absent for a stopped container.
    public var usage: Int?
    /// `limit`: the container's limit, or the host's RAM when it has none.
    public var limit: Int?
    /// `stats.inactive_file` (cgroup v2).
    public var inactiveFile: Int?
    /// `stats.total_inactive_file` (cgroup v1).
    public var totalInactiveFile: Int?
    /// `stats.cache` (cgroup v1, older Docker).
    public var cache: Int?

    /// Creates memory figures (tests build these directly).
    public init(
        usage: Int? = nil,
        limit: Int? = nil,
        inactiveFile: Int? = nil,
        totalInactiveFile: Int? = nil,
        cache: Int? = nil
    ) {
        self.usage = usage
        self.limit = limit
        self.inactiveFile = inactiveFile
        self.totalInactiveFile = totalInactiveFile
        self.cache = cache
    }

    enum CodingKeys: String, CodingKey {
        case usage
        case limit
        case stats
    }

    enum DetailKeys: String, CodingKey {
        case inactiveFile = "inactive_file"
        case totalInactiveFile = "total_inactive_file"
        case cache
    }

    /// Decodes tolerantly: every figure may be missing or odd.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        usage = container.counter(forKey: .usage)
        limit = container.counter(forKey: .limit)
        let detail = try? container.nestedContainer(keyedBy: DetailKeys.self, forKey: .stats)
        inactiveFile = detail?.counter(forKey: .inactiveFile)
        totalInactiveFile = detail?.counter(forKey: .totalInactiveFile)
        cache = detail?.counter(forKey: .cache)
    }
}

/// One interface of `networks` (reference §6). Bytes since the container started.
public struct DockerNetworkStats: Sendable, Hashable, Decodable {
    /// `rx_bytes`.
    public var rxBytes: Int?
    /// `tx_bytes`.
    public var txBytes: Int?

    /// Creates counters (tests build these directly).
    public init(rxBytes: Int? = nil, txBytes: Int? = nil) {
        self.rxBytes = rxBytes
        self.txBytes = txBytes
    }

    enum CodingKeys: String, CodingKey {
        case rxBytes = "rx_bytes"
        case txBytes = "tx_bytes"
    }

    /// Decodes tolerantly: a missing counter is `nil`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        rxBytes = container.counter(forKey: .rxBytes)
        txBytes = container.counter(forKey: .txBytes)
    }
}
