import PNGRaster
import ServerMetrics
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The combined graph's exact bytes against `Tests/Fixtures/graph-*.png`, so drawing code can be simplified
/// safely and a figure without player counts provably stays as it was. After a deliberate change, look at the
/// new pictures and record them with `GRAPH_GOLDEN_RECORD=1`. The DejaVu goldens were drawn with DejaVu Sans
/// 2.37 and run only where it is installed; the built-in font ones run everywhere.
@Suite struct GraphGoldenTests {
    enum Figure: String, CaseIterable, CustomTestStringConvertible {
        case cpuAndMemory = "cpu-memory"
        case players
        case playersWithGaps = "players-gaps"

        var testDescription: String { rawValue }

        var input: GraphInput {
            let utc = TimeZone(identifier: "UTC")!
            switch self {
            case .cpuAndMemory:
                return GraphRenderer.demoInput(timeZone: utc)
            case .players:
                return GraphRenderer.demoInput(timeZone: utc, withPlayers: true)
            case .playersWithGaps:
                // No answer twice, the newest included, and no announced maximum.
                var input = GraphRenderer.demoInput(timeZone: utc)
                let counts: [Int?] = [3, nil, 5, 6, nil, nil]
                input.series = MetricSeries(
                    zip(input.series.points, counts).map { point, count in
                        var point = point
                        point.players = count
                        return point
                    }
                )
                return input
            }
        }
    }

    private static let builtin = GraphRenderer(fonts: GraphFonts(regular: .builtin(), bold: .builtin()))
    private static let dejaVu = GraphRenderer(fonts: .load())
    private static let hasDejaVu = !GraphFonts.load().usesFallback
    private static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    @Test(arguments: Figure.allCases)
    func builtinFontFigureMatchesItsGolden(_ figure: Figure) throws {
        let png = try #require(try Self.builtin.combinedPNG(figure.input))
        try check(png, against: "graph-\(figure.rawValue)-builtin.png")
    }

    @Test(.enabled(if: hasDejaVu, "DejaVu Sans is not installed"), arguments: [Figure.cpuAndMemory, .players])
    func dejaVuFigureMatchesItsGolden(_ figure: Figure) throws {
        let png = try #require(try Self.dejaVu.combinedPNG(figure.input))
        try check(png, against: "graph-\(figure.rawValue)-dejavu.png")
    }

    /// Compares with the golden file; on a difference, writes this run's picture next to the temporary folder's
    /// others and names it in the failure.
    private func check(_ png: [UInt8], against name: String) throws {
        let golden = Self.fixtures.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["GRAPH_GOLDEN_RECORD"] == "1" {
            try Data(png).write(to: golden)
            return
        }
        let expected = try [UInt8](Data(contentsOf: golden))
        guard png != expected else { return }
        let actual = FileManager.default.temporaryDirectory.appendingPathComponent("actual-\(name)")
        try Data(png).write(to: actual)
        Issue.record("\(name): \(png.count) bytes drawn, \(expected.count) in the golden; drawn: \(actual.path)")
    }
}
