import ArgumentParser
import ServerMetrics

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `pterodisbot render-graph --demo OUT.png`: writes a sample graph.
struct RenderGraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render-graph",
        abstract: "Write a sample CPU and memory graph as a PNG."
    )

    @Flag(help: "Use built-in sample data (the only source for now).")
    var demo = false

    @Option(help: "A TrueType font (default: DejaVu Sans, else the built-in font).")
    var font: String?

    @Argument(help: "The PNG file to write.")
    var output: String

    func validate() throws {
        guard demo else { throw ValidationError("pass --demo: sample data is the only source for now") }
    }

    func run() throws {
        let renderer = GraphRenderer(fonts: GraphFonts.load(fontPath: font))
        guard let png = try renderer.combinedPNG(GraphRenderer.demoInput()) else {
            throw ValidationError("the sample series has fewer than six points")
        }
        try Data(png).write(to: URL(fileURLWithPath: output))
        print("Wrote \(output) (\(png.count) bytes).")
    }
}
