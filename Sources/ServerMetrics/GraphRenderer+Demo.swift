#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension GraphRenderer {
    /// A fixed, realistic input for `render-graph --demo` and the benchmark: a 4 vCPU server with an
    /// 8 GiB limit, six samples 10 s apart ending at `end`.
    /// - Parameters:
    ///   - serverName: Title text.
    ///   - end: Time of the newest sample.
    ///   - timeZone: Zone of the time labels.
    ///   - withPlayers: Adds player counts (up to 24 of 40), for the figure with the players panel.
    public static func demoInput(
        serverName: String = "Minecraft SMP",
        end: Date = Date(timeIntervalSince1970: 1_780_000_000),
        timeZone: TimeZone = .current,
        withPlayers: Bool = false
    ) -> GraphInput {
        let cpu = [182.4, 240.9, 316.2, 351.7, 298.5, 276.3]
        let memory = [3120.0, 3290.0, 3410.0, 3575.0, 3502.0, 3530.0]
        let players = [12, 15, 21, 24, 19, 17]
        var series = MetricSeries()
        for index in 0..<MetricSeries.capacity {
            let time = end.addingTimeInterval(Double(index - MetricSeries.capacity + 1) * 10)
            series.append(
                MetricPoint(
                    timestamp: time,
                    cpuPercent: cpu[index],
                    memoryMiB: memory[index],
                    players: withPlayers ? players[index] : nil,
                    maxPlayers: withPlayers ? 40 : nil
                )
            )
        }
        return GraphInput(
            serverName: serverName,
            series: series,
            cpuLimitPercent: 400,
            memoryLimitMiB: 8192,
            timeZone: timeZone
        )
    }
}
