import PNGRaster
import ServerMetrics

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Graph figures: median time to render and encode one combined 800×600 graph, the PNG size, and the split
/// between drawing and encoding; the same time and size for the figure with the players panel.
func graphBenchmarks() async throws -> [BenchFigure] {
    let fonts = GraphFonts.load()
    let renderer = GraphRenderer(fonts: fonts)
    let input = GraphRenderer.demoInput(timeZone: TimeZone(secondsFromGMT: 0) ?? .current)
    let iterations = 200
    let canvas = renderer.combinedCanvas(input) ?? Canvas(width: 800, height: 600)
    let encoder = renderer.encoder
    // Set GRAPH_BENCH_PROFILE=draw or =encode to repeat only that half 3,000 times, e.g. under `perf record`.
    if let half = ProcessInfo.processInfo.environment["GRAPH_BENCH_PROFILE"] {
        for _ in 0..<3000 {
            if half == "encode" { _ = try encoder.encode(canvas) } else { _ = renderer.combinedCanvas(input) }
        }
        return []
    }
    // ~0.1 s of warm-up per loop: caches, allocator and CPU clock settle before timing starts.
    let warmup = 50
    var size = 0
    let total = try Measure.durations(iterations: iterations, warmup: warmup) {
        size = try renderer.combinedPNG(input)?.count ?? 0
    }
    let draw = Measure.durations(iterations: iterations, warmup: warmup) {
        _ = renderer.combinedCanvas(input)
    }
    let encode = try Measure.durations(iterations: iterations, warmup: warmup) {
        _ = try encoder.encode(canvas)
    }
    // The figure with the players panel below.
    let playersInput = GraphRenderer.demoInput(timeZone: TimeZone(secondsFromGMT: 0) ?? .current, withPlayers: true)
    var playersSize = 0
    let players = try Measure.durations(iterations: iterations, warmup: warmup) {
        playersSize = try renderer.combinedPNG(playersInput)?.count ?? 0
    }
    // Set GRAPH_BENCH_PNG=/path/out.png to look at the picture that was measured.
    if let path = ProcessInfo.processInfo.environment["GRAPH_BENCH_PNG"], let png = try renderer.combinedPNG(input) {
        try Data(png).write(to: URL(fileURLWithPath: path))
    }
    var distinctColors = Set<UInt32>()
    canvas.pixels.withUnsafeBytes { raw in
        for index in 0..<(canvas.width * canvas.height) {
            distinctColors.insert(raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))
        }
    }
    let context = [
        "colors": String(distinctColors.count),
        "iterations": String(iterations),
        "size": "800x600",
        "font": fonts.usesFallback ? "builtin bitmap" : "DejaVu Sans",
    ]
    // The colour count above is the figure without players.
    let playersContext = context.filter { $0.key != "colors" }
    return [
        BenchFigure(
            name: "graph.render_combined.median_ms",
            value: Measure.medianMilliseconds(total),
            unit: "ms",
            context: context.merging(["goal": "<= 2 ms", "matplotlib": "~300 ms"]) { $1 }
        ),
        BenchFigure(
            name: "graph.png_size.bytes",
            value: Double(size),
            unit: "bytes",
            context: context.merging(["goal": "<= 40960 bytes", "matplotlib": "~56 KB"]) { $1 }
        ),
        BenchFigure(
            name: "graph.render_combined_players.median_ms",
            value: Measure.medianMilliseconds(players),
            unit: "ms",
            context: playersContext
        ),
        BenchFigure(
            name: "graph.png_size_players.bytes",
            value: Double(playersSize),
            unit: "bytes",
            context: playersContext.merging(["goal": "<= 40960 bytes"]) { $1 }
        ),
        BenchFigure(
            name: "graph.draw_only.median_ms",
            value: Measure.medianMilliseconds(draw),
            unit: "ms",
            context: context
        ),
        BenchFigure(
            name: "graph.encode_only.median_ms",
            value: Measure.medianMilliseconds(encode),
            unit: "ms",
            context: context
        ),
    ]
}
