import PNGRaster
import ServerMetrics
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite struct GraphRendererTests {
    private static let renderer = GraphRenderer(fonts: .load())
    private static let utc = TimeZone(identifier: "UTC")!

    private func input(cpu: [Double], memory: [Double], cpuLimit: Double? = 400, memoryLimit: Double? = 4096)
        -> GraphInput
    {
        var series = MetricSeries()
        for index in cpu.indices {
            series.append(
                MetricPoint(
                    timestamp: Date(timeIntervalSince1970: 1_780_000_000 + Double(index) * 10),
                    cpuPercent: cpu[index],
                    memoryMiB: memory[index]
                )
            )
        }
        return GraphInput(
            serverName: "Test",
            series: series,
            cpuLimitPercent: cpuLimit,
            memoryLimitMiB: memoryLimit,
            timeZone: Self.utc
        )
    }

    private func count(_ color: RGBA, in canvas: Canvas) -> Int {
        var total = 0
        canvas.pixels.withUnsafeBufferPointer { pixels in
            for index in stride(from: 0, to: pixels.count, by: 4)
            where pixels[index] == color.r && pixels[index + 1] == color.g && pixels[index + 2] == color.b {
                total += 1
            }
        }
        return total
    }

    @Test func fewerThanSixPointsRendersNothing() throws {
        let short = input(cpu: [1, 2, 3, 4, 5], memory: [1, 2, 3, 4, 5])
        #expect(try Self.renderer.combinedPNG(short) == nil)
        #expect(try Self.renderer.cpuPNG(short) == nil)
        #expect(try Self.renderer.memoryPNG(short) == nil)
        #expect(try Self.renderer.combinedPNG(input(cpu: [], memory: [])) == nil)
    }

    @Test func combinedGraphIsAn800x600PNG() throws {
        let png = try #require(try Self.renderer.combinedPNG(GraphRenderer.demoInput(timeZone: Self.utc)))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(Array(png[12..<16]) == Array("IHDR".utf8))
        #expect(Array(png[16..<24]) == [0, 0, 3, 0x20, 0, 0, 2, 0x58])
        #expect(png.count < 60_000)
    }

    @Test func singleGraphsHaveTheirOwnSize() throws {
        let demo = GraphRenderer.demoInput(timeZone: Self.utc)
        let cpu = try #require(try Self.renderer.cpuPNG(demo, width: 640, height: 360))
        let memory = try #require(try Self.renderer.memoryPNG(demo))
        #expect(Array(cpu[16..<24]) == [0, 0, 2, 0x80, 0, 0, 1, 0x68])
        #expect(Array(memory[16..<24]) == [0, 0, 3, 0x20, 0, 0, 1, 0x90])
    }

    @Test func renderingIsDeterministic() throws {
        let demo = GraphRenderer.demoInput(timeZone: Self.utc)
        let first = try Self.renderer.combinedPNG(demo)
        let second = try GraphRenderer(fonts: .load()).combinedPNG(demo)
        #expect(first != nil)
        #expect(first == second)
    }

    @Test func drawsThemeColours() throws {
        let canvas = try #require(Self.renderer.combinedCanvas(GraphRenderer.demoInput(timeZone: Self.utc)))
        #expect(canvas.pixel(x: 2, y: 2) == RGBA(hex: 0x313338))
        #expect(count(RGBA(hex: 0x5865F2), in: canvas) > 500)
        #expect(count(RGBA(hex: 0x57F287), in: canvas) > 500)
        #expect(count(RGBA(hex: 0x2B2D31), in: canvas) > 10_000)
    }

    static let hygieneCases: [(String, [Double])] = [
        ("nan", [Double.nan, 10, 20, .nan, 30, 40]),
        ("negative", [-50, -1, 0, 10, -3, 5]),
        ("absurd", [1e300, 10, 20, 30, 40, 50]),
        ("infinite", [.infinity, -.infinity, 20, 30, 40, 50]),
        ("equal", [42, 42, 42, 42, 42, 42]),
        ("zeros", [0, 0, 0, 0, 0, 0]),
        ("above", [100, 390, 450, 800, 420, 410]),
    ]

    @Test(arguments: hygieneCases)
    func inputHygieneCasesRenderSensibly(name: String, values: [Double]) throws {
        for limits in [
            (cpu: 400.0 as Double?, memory: 2048.0 as Double?), (cpu: nil, memory: nil), (cpu: 0, memory: 0),
        ] {
            let graph = input(
                cpu: values,
                memory: values.map { $0 * 20 },
                cpuLimit: limits.cpu,
                memoryLimit: limits.memory
            )
            let canvas = try #require(Self.renderer.combinedCanvas(graph), "case \(name)")
            // The line and its markers are drawn inside the plot for every case.
            #expect(count(RGBA(hex: 0x5865F2), in: canvas) > 100, "case \(name)")
            #expect(count(RGBA(hex: 0x57F287), in: canvas) > 100, "case \(name)")
            #expect(try Self.renderer.combinedPNG(graph) != nil)
        }
    }

    @Test func fallbackFontStillRenders() throws {
        let fallback = GraphRenderer(fonts: GraphFonts(regular: .builtin(), bold: .builtin()))
        #expect(fallback.fonts.usesFallback)
        let png = try #require(try fallback.combinedPNG(GraphRenderer.demoInput(timeZone: Self.utc)))
        #expect(png.count > 1000)
        #expect(GraphFonts.load(fontPath: "/nonexistent.ttf").regular.isBuiltin == Self.renderer.fonts.usesFallback)
    }

    @Test func timeLabelsUseTheGivenZone() throws {
        let demo = GraphRenderer.demoInput(timeZone: Self.utc)
        var shifted = demo
        shifted.timeZone = TimeZone(secondsFromGMT: 3600)!
        let a = try #require(Self.renderer.combinedCanvas(demo))
        let b = try #require(Self.renderer.combinedCanvas(shifted))
        // Only the x labels differ: the plots above them are identical.
        #expect(a.pixels[0..<(400 * 800 * 4)] == b.pixels[0..<(400 * 800 * 4)])
        #expect(a.pixels != b.pixels)
    }

    // MARK: - Players

    private func withPlayers(_ counts: [Int?], max: Int?) -> GraphInput {
        var input = GraphRenderer.demoInput(timeZone: Self.utc)
        input.series = MetricSeries(
            zip(input.series.points, counts).map { point, count in
                var point = point
                point.players = count
                point.maxPlayers = max
                return point
            }
        )
        return input
    }

    private static let yellow = RGBA(hex: 0xFEE75C)

    private func count(_ color: RGBA, in canvas: Canvas, rows: Range<Int>) -> Int {
        var total = 0
        for y in rows {
            for x in 0..<canvas.width where canvas.pixel(x: x, y: y).isSameColor(as: color) { total += 1 }
        }
        return total
    }

    @Test func playerCountsAddAPanelBelowInTheSameSizeAndPalette() throws {
        let players = GraphRenderer.demoInput(timeZone: Self.utc, withPlayers: true)
        let png = try #require(try Self.renderer.combinedPNG(players))
        #expect(Array(png[16..<24]) == [0, 0, 3, 0x20, 0, 0, 2, 0x58])  // 800 × 600, as without players
        #expect(png[25] == 3)  // indexed colour
        #expect(png.count < 40_960)
        let canvas = try #require(Self.renderer.combinedCanvas(players))
        #expect(count(Self.yellow, in: canvas) > 300)
        #expect(try Self.renderer.combinedPNG(players, width: 640, height: 480) != nil)
    }

    @Test func withoutAnyKnownCountTheFigureIsUnchanged() throws {
        let today = try Self.renderer.combinedPNG(GraphRenderer.demoInput(timeZone: Self.utc))
        #expect(try Self.renderer.combinedPNG(withPlayers(Array(repeating: nil, count: 6), max: 40)) == today)
        // A negative count is garbage, not a count.
        #expect(try Self.renderer.combinedPNG(withPlayers([-1, -5, -1, -1, -1, -1], max: 10)) == today)
    }

    @Test func unknownCountsAreGapsNeverZero() throws {
        // Five players of ten: the line runs through the middle of the players plot (rows 450..<536 at 800 × 600).
        let bottomRows = 512..<536
        let gap = try #require(Self.renderer.combinedCanvas(withPlayers([5, nil, 5, 5, 5, 5], max: 10)))
        let zero = try #require(Self.renderer.combinedCanvas(withPlayers([5, 0, 5, 5, 5, 5], max: 10)))
        #expect(count(Self.yellow, in: gap, rows: 485..<502) > 100)
        #expect(count(Self.yellow, in: gap, rows: bottomRows) == 0)
        #expect(count(Self.yellow, in: zero, rows: bottomRows) > 20)
    }

    @Test func theLegendMovesOffACountItWouldHide() throws {
        // Seven of ten at the first sample sits where the legend usually is: the legend moves to a free corner.
        let canvas = try #require(Self.renderer.combinedCanvas(withPlayers([7, nil, nil, nil, nil, nil], max: 10)))
        let plotTop = 450
        let legendRows = (plotTop + 8)..<(plotTop + 32)
        let leftHalf = 0..<400
        var yellowUpperLeft = 0
        for y in legendRows {
            for x in leftHalf where canvas.pixel(x: x, y: y).isSameColor(as: Self.yellow) { yellowUpperLeft += 1 }
        }
        // Only the marker of the count (a ring 3.8 px across) remains there, not the legend's sample line.
        #expect(yellowUpperLeft > 0)
        #expect(yellowUpperLeft < 40)
        #expect(count(Self.yellow, in: canvas, rows: 500..<528) > 20)  // the legend, lower right
    }
}

extension RGBA {
    /// Same red, green and blue (the canvas may differ in alpha).
    fileprivate func isSameColor(as other: RGBA) -> Bool {
        r == other.r && g == other.g && b == other.b
    }
}
