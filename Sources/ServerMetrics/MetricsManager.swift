/// Keeps one ``MetricSeries`` per server, created on first sample.
///
/// Generic over the server key so the orchestrator can use its own identifier type (the panel's short
/// identifier as `String`, or a typed `ServerID`).
public actor MetricsManager<ServerKey: Hashable & Sendable> {
    private var series: [ServerKey: MetricSeries] = [:]

    /// Creates an empty manager.
    public init() {}

    /// Appends a sample to a server's series, creating the series if needed.
    public func append(_ point: MetricPoint, for server: ServerKey) {
        series[server, default: MetricSeries()].append(point)
    }

    /// Appends one sample for each server in `points`.
    public func append(_ points: [ServerKey: MetricPoint]) {
        for (server, point) in points {
            series[server, default: MetricSeries()].append(point)
        }
    }

    /// A copy of a server's series, or nil when it has no samples yet.
    public func series(for server: ServerKey) -> MetricSeries? {
        series[server]
    }

    /// Copies of every series.
    public func allSeries() -> [ServerKey: MetricSeries] {
        series
    }

    /// Servers that currently have a series.
    public var servers: Set<ServerKey> { Set(series.keys) }

    /// True when the server's series is full enough to draw.
    public func hasEnoughData(for server: ServerKey) -> Bool {
        series[server]?.hasEnoughData ?? false
    }

    /// CPU and memory summaries of a server's series, or nil when it has no samples.
    public func summary(for server: ServerKey) -> (cpu: MetricSummary, memory: MetricSummary)? {
        guard let values = series[server], let cpu = values.cpuSummary, let memory = values.memorySummary else {
            return nil
        }
        return (cpu, memory)
    }

    /// Drops the series of one server.
    public func remove(_ server: ServerKey) {
        series[server] = nil
    }

    /// Drops every series whose server is not in `servers` (servers that disappeared from the panel).
    /// - Returns: The servers whose series were removed.
    @discardableResult
    public func remove(keepingOnly servers: Set<ServerKey>) -> Set<ServerKey> {
        let gone = Set(series.keys).subtracting(servers)
        for server in gone { series[server] = nil }
        return gone
    }

    /// Drops every series.
    public func removeAll() {
        series.removeAll()
    }
}
