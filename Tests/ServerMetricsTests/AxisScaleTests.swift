import ServerMetrics
import Testing

@Suite struct AxisScaleTests {
    @Test func oneVCPUTopsAtOneHundredPercent() {
        let scale = AxisScale.cpu(values: [12, 40, 33], limitPercent: 100)
        #expect(scale.maximum == 100)
        #expect(scale.ticks == [0, 20, 40, 60, 80, 100])
        #expect(scale.label(for: 100) == "100%")
    }

    @Test func fourVCPUTopsAtFourHundredPercent() {
        let scale = AxisScale.cpu(values: [182, 351.7, 276.3], limitPercent: 400)
        #expect(scale.maximum == 400)
        #expect(scale.ticks == [0, 100, 200, 300, 400])
    }

    @Test func unlimitedRoundsUpToTheNextHundred() {
        #expect(AxisScale.cpu(values: [182, 276.3], limitPercent: nil).maximum == 300)
        #expect(AxisScale.cpu(values: [182, 276.3], limitPercent: 0).maximum == 300)
        #expect(AxisScale.cpu(values: [300], limitPercent: 0).maximum == 400)
        #expect(AxisScale.cpu(values: [0, 0], limitPercent: nil).maximum == 100)
        #expect(AxisScale.cpu(values: [], limitPercent: nil).maximum == 100)
    }

    @Test func valuesAboveTheLimitWidenTheAxis() {
        let scale = AxisScale.cpu(values: [90, 130], limitPercent: 100)
        #expect(scale.maximum == 200)
        #expect(scale.ticks.last == 200)
    }

    @Test func memoryUsesTheLimitWhenKnown() {
        let scale = AxisScale.memory(values: [3120, 3530], limitMiB: 8192)
        #expect(scale.unit == "GiB")
        #expect(scale.maximum == 8)
        #expect(scale.ticks == [0, 2, 4, 6, 8])
        #expect(scale.label(for: 4) == "4 GiB")
        #expect(abs(scale.fraction(ofRaw: 4096) - 0.5) < 1e-12)
    }

    @Test func memoryWithoutLimitAddsHeadroomAndNiceNumbers() {
        let small = AxisScale.memory(values: [310, 420], limitMiB: nil)
        #expect(small.unit == "MiB")
        #expect(small.maximum == 600)
        #expect(small.ticks == [0, 200, 400, 600])
        let large = AxisScale.memory(values: [3530], limitMiB: 0)
        #expect(large.unit == "GiB")
        #expect(large.maximum == 5)
        #expect(AxisScale.memory(values: [0, 0], limitMiB: nil).maximum == 100)
        #expect(AxisScale.memory(values: [1200], limitMiB: 1024).maximum == 1500)
    }

    @Test func fractionalStepsGetDecimals() {
        let scale = AxisScale(maximum: 2.5, step: 0.5, unit: "GiB", divisor: 1024)
        #expect(
            scale.ticks.map { scale.label(for: $0) } == [
                "0 GiB", "0.5 GiB", "1.0 GiB", "1.5 GiB", "2.0 GiB", "2.5 GiB",
            ]
        )
        #expect(AxisScale(maximum: 2000, step: 500, unit: "MiB").label(for: 1500) == "1,500 MiB")
    }
}

@Suite struct MetricSanitizerTests {
    @Test func nanInfinityAndNegativesAreCleaned() {
        #expect(MetricSanitizer.clean(.nan) == 0)
        #expect(MetricSanitizer.clean(-12) == 0)
        #expect(MetricSanitizer.clean(-.infinity) == 0)
        #expect(MetricSanitizer.clean(42.5) == 42.5)
    }

    @Test func absurdValuesAreClamped() {
        #expect(MetricSanitizer.cpu(1e12, limitPercent: 400) == 800)
        #expect(MetricSanitizer.cpu(.infinity, limitPercent: nil) == MetricSanitizer.maximumCPUPercent)
        #expect(MetricSanitizer.cpu(1e12, limitPercent: 0) == MetricSanitizer.maximumCPUPercent)
        #expect(MetricSanitizer.memory(1e15, limitMiB: 2048) == 4096)
        #expect(MetricSanitizer.memory(.infinity, limitMiB: nil) == MetricSanitizer.maximumMemoryMiB)
        #expect(MetricSanitizer.cpu(250, limitPercent: 400) == 250)
    }

    // MARK: - Players

    @Test func playersTopAtTheServersMaximum() {
        let scale = AxisScale.players(values: [12, 24, 17], maxPlayers: 40)
        #expect(scale.maximum == 40)
        #expect(scale.ticks == [0, 10, 20, 30, 40])
        #expect(scale.label(for: 40) == "40")
        #expect(scale.label(for: 0) == "0")
    }

    @Test func playerTicksAreWholeNumbersForEveryTop() {
        for top in 1...2000 {
            let scale = AxisScale.players(values: [0], maxPlayers: Double(top))
            #expect(scale.maximum == Double(top), "max \(top)")
            #expect(scale.step >= 1 && scale.step == scale.step.rounded(), "max \(top): step \(scale.step)")
            #expect(scale.ticks.count <= 6, "max \(top): \(scale.ticks)")
            #expect(scale.ticks.allSatisfy { $0 == $0.rounded() }, "max \(top): \(scale.ticks)")
            #expect(scale.ticks.allSatisfy { !scale.label(for: $0).contains(".") }, "max \(top)")
        }
    }

    @Test func playersWithoutMaximumAddHeadroomOnWholeTicks() {
        #expect(AxisScale.players(values: [12, 3], maxPlayers: nil).maximum == 15)
        #expect(AxisScale.players(values: [12, 3], maxPlayers: nil).ticks == [0, 5, 10, 15])
        #expect(AxisScale.players(values: [0, 0], maxPlayers: nil).ticks == [0, 1, 2, 3, 4, 5])
        #expect(AxisScale.players(values: [], maxPlayers: 0).maximum == 5)
        #expect(AxisScale.players(values: [2], maxPlayers: .nan).maximum == 5)
    }

    @Test func playersAboveTheMaximumWidenTheAxis() {
        let scale = AxisScale.players(values: [38, 45], maxPlayers: 40)
        #expect(scale.maximum == 50)
        #expect(scale.ticks == [0, 10, 20, 30, 40, 50])
    }
}
