import Foundation
import Logging
import Testing

@testable import StatusBot

/// `pterodisbot demo` as the command runs it: to completion, with the page and graph images on disk.
@Suite struct DemoRunnerTests {
    @Test func demoRunsToCompletionAndWritesThePageWithGraphs() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = try await DemoRunner.run(folder: folder, cycles: 8, pause: .zero, logger: Logger(label: "demo-test"))
        #expect(path == folder + "/index.html")
        let html = try String(contentsOfFile: path, encoding: .utf8)
        let images = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".png") }
        #expect(images.count >= 3, "running servers have graphs after eight cycles")
        for image in images { #expect(html.contains(image)) }
        // The simulated game servers answer player queries: counts, and names where the game shares them.
        #expect(html.contains("Players"))
        #expect(html.contains("/ 20"))
        #expect(html.contains("Alex"))
    }
}
