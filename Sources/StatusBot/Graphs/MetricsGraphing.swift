import GameQuery
import Logging
import PanelCore
import ServerMetrics

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// ``StatusGraphing`` over ServerMetrics: a six-point series per server and the combined CPU/memory graph, with a
/// players panel when the series has player counts.
public struct MetricsGraphing: StatusGraphing {
    private let metrics = MetricsManager<ServerID>()
    private let renderer: GraphRenderer
    private let timeZone: TimeZone
    private let logger: Logger

    /// Creates the graphing service.
    /// - Parameters:
    ///   - fonts: Fonts for the renderer (``GraphFonts/load(fontPath:)`` falls back to a built-in font).
    ///   - timeZone: Time zone of the x-axis labels.
    ///   - logger: Logger for render failures.
    public init(fonts: GraphFonts, timeZone: TimeZone = .current, logger: Logger) {
        self.renderer = GraphRenderer(fonts: fonts)
        self.timeZone = timeZone
        self.logger = logger
    }

    public func record(_ resources: ServerResources, for server: GameServer, at time: Date) async {
        await record(resources, players: nil, for: server, at: time)
    }

    public func record(_ resources: ServerResources, players: PlayerCount?, for server: GameServer, at time: Date) async
    {
        // A sample without CPU or memory (PEON before Docker has two readings) would draw a false 0.
        guard resources.reports(.cpu), resources.reports(.memory) else { return }
        let point = MetricPoint(
            timestamp: time,
            cpuPercent: resources.cpuAbsolute,
            memoryMiB: Double(resources.memoryBytes) / 1_048_576,
            players: players?.online,
            maxPlayers: players?.max
        )
        await metrics.append(point, for: server.id)
    }

    /// A copy of a server's samples, or nil before the first.
    /// - Parameter server: The server.
    /// - Returns: The series.
    public func series(for server: ServerID) async -> MetricSeries? {
        await metrics.series(for: server)
    }

    public func hasEnoughData(for server: ServerID) async -> Bool {
        await metrics.hasEnoughData(for: server)
    }

    public func graph(for server: GameServer) async -> [UInt8]? {
        guard let series = await metrics.series(for: server.id), series.hasEnoughData else { return nil }
        let input = GraphInput(
            serverName: server.name,
            series: series,
            cpuLimitPercent: server.limits.cpuPercent > 0 ? Double(server.limits.cpuPercent) : nil,
            memoryLimitMiB: server.limits.memoryMiB > 0 ? Double(server.limits.memoryMiB) : nil,
            timeZone: timeZone
        )
        // Not cached: a graph is drawn only for an edit (a few per cycle) and takes ~3 ms, while keeping every
        // server's PNG would cost ~20 KB each.
        do {
            return try renderer.combinedPNG(input)
        } catch {
            logger.warning("could not draw graph", metadata: ["panel.server": "\(server.id)", "error": "\(error)"])
            return nil
        }
    }

    public func forget(_ server: ServerID) async {
        await metrics.remove(server)
    }
}
