#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Everything the renderer needs for one server's graphs.
public struct GraphInput: Sendable, Equatable {
    /// Shown in the title.
    public var serverName: String
    /// The samples to draw (at least ``MetricSeries/capacity`` are needed).
    public var series: MetricSeries
    /// CPU limit in percent (100 per vCPU); nil or 0 means unlimited.
    public var cpuLimitPercent: Double?
    /// Memory limit in MiB; nil or 0 means unknown or unlimited.
    public var memoryLimitMiB: Double?
    /// Time zone of the x-axis labels (the bot's local zone by default).
    public var timeZone: TimeZone

    /// Creates a graph input.
    public init(
        serverName: String,
        series: MetricSeries,
        cpuLimitPercent: Double? = nil,
        memoryLimitMiB: Double? = nil,
        timeZone: TimeZone = .current
    ) {
        self.serverName = serverName
        self.series = series
        self.cpuLimitPercent = cpuLimitPercent
        self.memoryLimitMiB = memoryLimitMiB
        self.timeZone = timeZone
    }
}
