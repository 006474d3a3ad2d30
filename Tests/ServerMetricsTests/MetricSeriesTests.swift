import ServerMetrics
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

private func point(_ second: Double, cpu: Double = 0, memory: Double = 0) -> MetricPoint {
    MetricPoint(timestamp: Date(timeIntervalSince1970: 1_000 + second), cpuPercent: cpu, memoryMiB: memory)
}

@Suite struct MetricSeriesTests {
    @Test func keepsTheLastSixPointsOldestFirst() {
        var series = MetricSeries()
        #expect(series.isEmpty)
        for index in 0..<9 {
            series.append(point(Double(index), cpu: Double(index)))
        }
        #expect(series.count == 6)
        #expect(series.points.map(\.cpuPercent) == [3, 4, 5, 6, 7, 8])
        #expect(series.latest?.cpuPercent == 8)
    }

    @Test func hasEnoughDataOnlyWhenFull() {
        var series = MetricSeries()
        for index in 0..<5 {
            series.append(point(Double(index)))
            #expect(!series.hasEnoughData)
        }
        series.append(point(5))
        #expect(series.hasEnoughData)
    }

    @Test func seriesAreEquatableValues() {
        let a = MetricSeries((0..<8).map { point(Double($0), cpu: Double($0)) })
        let b = MetricSeries((2..<8).map { point(Double($0), cpu: Double($0)) })
        #expect(a == b)
        var c = b
        c.append(point(9))
        #expect(c != b)
    }

    @Test func summaryComputesStatisticsAndTrend() throws {
        let rising = try #require(MetricSummary([10, 20, 30, 40, 50, 60]))
        #expect(rising.current == 60)
        #expect(rising.minimum == 10)
        #expect(rising.maximum == 60)
        #expect(rising.average == 35)
        #expect(rising.trend == .rising)
        #expect(MetricSummary([60, 50, 40, 30, 20, 10])?.trend == .falling)
        #expect(MetricSummary([50, 51, 49, 50, 51, 50])?.trend == .stable)
        #expect(MetricSummary([0, 0, 0, 0, 0, 0])?.trend == .stable)
        #expect(MetricSummary([]) == nil)
        #expect(MetricSummary([.nan, -3, 6])?.minimum == 0)
    }

    @Test func playerCountsFollowTheSamplesWithUnknownKeptAsNil() {
        var series = MetricSeries()
        let counts: [Int?] = [1, nil, 3, 4, nil, 6, 7, nil]
        for (index, count) in counts.enumerated() {
            series.append(
                MetricPoint(
                    timestamp: Date(timeIntervalSince1970: Double(index) * 10),
                    cpuPercent: 0,
                    memoryMiB: 0,
                    players: count,
                    maxPlayers: count.map { _ in 20 }
                )
            )
        }
        #expect(series.points.map(\.players) == [3, 4, nil, 6, 7, nil])
        #expect(series.points.map(\.maxPlayers) == [20, 20, nil, 20, 20, nil])
    }

    @Test func seriesSummariesUseTheRightMetric() throws {
        let series = MetricSeries((0..<6).map { point(Double($0), cpu: Double($0) * 10, memory: 512) })
        #expect(series.cpuSummary?.maximum == 50)
        #expect(series.memorySummary?.average == 512)
        #expect(series.memorySummary?.trend == .stable)
    }
}

@Suite struct MetricsManagerTests {
    @Test func createsSeriesLazilyPerServer() async {
        let manager = MetricsManager<String>()
        #expect(await manager.series(for: "abcd1234") == nil)
        await manager.append(point(0, cpu: 5), for: "abcd1234")
        await manager.append(point(0, cpu: 7), for: "ffff0000")
        #expect(await manager.series(for: "abcd1234")?.points.map(\.cpuPercent) == [5])
        #expect(await manager.servers == ["abcd1234", "ffff0000"])
        #expect(await manager.hasEnoughData(for: "abcd1234") == false)
    }

    @Test func bulkAppendAndSummaries() async throws {
        let manager = MetricsManager<String>()
        for index in 0..<6 {
            await manager.append([
                "a": point(Double(index), cpu: Double(index)), "b": point(Double(index), memory: 100),
            ])
        }
        #expect(await manager.hasEnoughData(for: "a"))
        let summary = try #require(await manager.summary(for: "a"))
        #expect(summary.cpu.current == 5)
        #expect(summary.cpu.trend == .rising)
        #expect(await manager.summary(for: "b")?.memory.average == 100)
        #expect(await manager.summary(for: "zzz") == nil)
    }

    @Test func removesServersThatAreGone() async {
        let manager = MetricsManager<String>()
        for server in ["a", "b", "c"] { await manager.append(point(0), for: server) }
        let removed = await manager.remove(keepingOnly: ["b"])
        #expect(removed == ["a", "c"])
        #expect(await manager.servers == ["b"])
        await manager.remove("b")
        #expect(await manager.allSeries().isEmpty)
        await manager.append(point(0), for: "d")
        await manager.removeAll()
        #expect(await manager.servers.isEmpty)
    }
}
