import DiscordModels
import Foundation
import Logging
import Monitoring
import PanelCore
import ServerMetrics
import StatusBot
import TestSupport
import Testing

/// The demo's pieces with the real monitor and status updates: the simulated panel in place of Pterodactyl and
/// the preview sink in place of Discord. Neither can tell the difference.
@Suite struct DemoEndToEndTests {
    private let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("pterodisbot-demo-\(UUID().uuidString)").path

    @Test func demoRunDrawsEveryServerWithGraphs() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let panel = DemoScenario.makePanel()
        let sink = DemoScenario.makeSink(folder: folder)
        let clock = ManualClock()
        let start = Date(timeIntervalSince1970: 1_796_158_245)
        let logger = Logger(label: "demo-test")
        let services = await StatusServices.make(
            backend: panel,
            configuration: StatusUpdaterConfiguration(updateInterval: DemoScenario.tickInterval, cpuChangeThreshold: 5),
            sink: sink,
            store: EmbedStore(file: nil),
            graphs: MetricsGraphing(fonts: GraphFonts.load(), timeZone: TimeZone(identifier: "UTC")!, logger: logger),
            clock: clock,
            wallClock: { start.addingTimeInterval(Double(panel.tick) * 10) },
            logger: logger
        )
        let servers = try await panel.servers(forceRefresh: false)
        for server in servers {
            try await services.updater.track(server.id, in: DemoScenario.channel)
        }
        for _ in 0..<DemoScenario.cycles {
            panel.advance()
            clock.advance(by: DemoScenario.tickInterval)
            await services.monitor.cycle()
        }

        let messages = await sink.messages(in: DemoScenario.channel)
        #expect(messages.count == servers.count)
        #expect(messages.contains { $0.editCount > 0 })
        let html = try String(contentsOfFile: folder + "/index.html", encoding: .utf8)
        for server in servers {
            #expect(html.contains(server.name.replacingOccurrences(of: "&", with: "&amp;")))
        }
        #expect(html.contains("server-status"))
        // Running servers have a graph by now, written next to the page and shown in their embed.
        let images = messages.flatMap(\.attachments).filter(\.isImage)
        #expect(images.count >= 3)
        for image in images {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + image.storedName))
            #expect(Array(bytes.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
            #expect(html.contains("src=\"\(image.storedName)\""))
        }
        // Only the current attachments are on disk.
        let onDisk = Set(try FileManager.default.contentsOfDirectory(atPath: folder))
        #expect(onDisk == Set(images.map(\.storedName) + ["index.html"]))
        if let keep = ProcessInfo.processInfo.environment["PTERODISBOT_KEEP_DEMO"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(atPath: folder, toPath: keep)
        }
    }
}
