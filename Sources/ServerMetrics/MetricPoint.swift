#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One resource sample of a server.
public struct MetricPoint: Sendable, Equatable, Hashable {
    /// When the sample was taken.
    public var timestamp: Date
    /// CPU use in percent of one core (may exceed 100 on multi-core servers).
    public var cpuPercent: Double
    /// Memory in use, in MiB.
    public var memoryMiB: Double

    /// Creates a sample.
    public init(timestamp: Date, cpuPercent: Double, memoryMiB: Double) {
        self.timestamp = timestamp
        self.cpuPercent = cpuPercent
        self.memoryMiB = memoryMiB
    }
}
