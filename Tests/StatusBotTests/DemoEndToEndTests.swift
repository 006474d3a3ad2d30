import Alerting
import DiscordModels
import Foundation
import Logging
import Monitoring
import PanelCore
import ServerMetrics
import StatusBot
import TestSupport
import Testing

/// The demo's pieces with the real monitor, status updates, nodes board and alerts: two simulated panels (the
/// Pterodactyl one as default, a PEON orchestrator named `home`) behind ``MultiPanelBackend`` in place of real
/// panels, and the preview sink in place of Discord. Neither can tell the difference.
@Suite struct DemoEndToEndTests {
    private let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("pterodisbot-demo-\(UUID().uuidString)").path

    @Test func demoRunDrawsEveryServerWithGraphsTheNodesBoardAndAlerts() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let start = Date(timeIntervalSince1970: 1_796_158_245)
        let panels = DemoScenario.makePanels(epoch: start)
        let sink = DemoScenario.makeSink(folder: folder, now: { panels.now })
        let clock = ManualClock()
        let logger = Logger(label: "demo-test")
        let services = await StatusServices.make(
            backend: panels.backend,
            configuration: StatusUpdaterConfiguration(updateInterval: DemoScenario.tickInterval, cpuChangeThreshold: 5),
            sink: sink,
            store: EmbedStore(file: nil),
            graphs: MetricsGraphing(fonts: GraphFonts.load(), timeZone: TimeZone(identifier: "UTC")!, logger: logger),
            clock: clock,
            wallClock: { panels.now },
            logger: logger
        )
        let servers = try await panels.backend.servers(forceRefresh: false)
        for server in servers {
            try await services.updater.track(server.id, in: DemoScenario.channel)
        }
        let operations = try await DemoScenario.startOperations(
            panels: panels,
            monitor: services.monitor,
            sink: sink,
            logger: logger
        )
        var openByCycle: [[String]] = []
        for _ in 0..<DemoScenario.cycles {
            panels.advance()
            clock.advance(by: DemoScenario.tickInterval)
            await services.monitor.cycle()
            openByCycle.append(await operations.alerts?.openAlerts.map(\.key.description) ?? [])
        }

        // Both panels' servers: the Pterodactyl ones with bare identifiers, PEON's under `home:`.
        #expect(
            servers.map(\.id.rawValue) == SimulatedServer.demo.map(\.server.id.rawValue) + [
                "home:minecraft.survival", "home:valheim.server01",
            ]
        )
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
        #expect(html.contains("Pterodisbot • panel.example.net • 1a7ce997 • checks every 10 s"))
        #expect(html.contains("Pterodisbot • home • valheim.server01 • checks every 10 s"))
        #expect(html.contains("Pterodisbot • home • minecraft.survival • checks every 10 s"))
        // Only the current attachments are on disk.
        let onDisk = Set(try FileManager.default.contentsOfDirectory(atPath: folder))
        #expect(onDisk == Set(images.map(\.storedName) + ["index.html"]))

        // The PEON servers: running (Minecraft since its start at tick 3), CPU, memory and network from Docker's
        // statistics, no disk or uptime (shown as "not reported", never as 0), no node and no address.
        for uid in ["valheim.server01", "minecraft.survival"] {
            let message = try #require(
                messages.first { $0.payload.embeds?.first?.footer?.text.contains("home • \(uid)") == true },
                "a status message for \(uid)"
            )
            let embed = try #require(message.payload.embeds?.first)
            let fields = Dictionary(
                (embed.fields ?? []).map { ($0.name, $0.value) },
                uniquingKeysWith: { first, _ in first }
            )
            #expect(fields["State"] == "🟢 Running", "\(uid)")
            #expect(fields["Disk"] == "not reported", "\(uid)")
            #expect(fields["Uptime"] == "not reported", "\(uid)")
            for reported in ["CPU", "Memory", "Network"] {
                #expect(fields[reported].map { $0 != "not reported" && !$0.isEmpty } == true, "\(uid) \(reported)")
            }
            #expect(fields["CPU"]?.hasSuffix("(unlimited)") == true, "PEON publishes no limits")
            #expect(fields["Node"] == nil && fields["Address"] == nil, "\(uid)")
            #expect(message.editCount > 0, "\(uid) moved during the demo")
        }
        let minecraft = try #require(
            messages.first { $0.payload.embeds?.first?.footer?.text.contains("minecraft.survival") == true }
        )
        #expect(minecraft.payload.embeds?.first?.title == "survival (minecraft)")
        #expect(minecraft.payload.embeds?.first?.description?.hasPrefix("Vanilla survival") == true)

        // The nodes board: both nodes, node-us-1 warned about its memory allocation.
        let board = try #require(await sink.messages(in: DemoScenario.nodesChannel).first?.payload.embeds?.first)
        let boardNodes = board.fields?.map(\.name) ?? []
        #expect(boardNodes == ["🟢 node-eu-1", "🟡 node-us-1"])
        #expect(board.fields?.last?.value.contains("Memory: 32.0 GiB / 33.6 GiB (95.2%) ⚠️") == true)
        #expect(html.contains("</span> nodes</h2>"))

        // The timeline of DemoScenario: node allocation at once, CPU after 30 s high, the crash, its recovery.
        let node = "nodeMemoryAllocated@node:node-us-1"
        let cpu = "serverCPU@server:1a7ce997"
        let crash = "serverStopped@server:7f12ab34"
        #expect(openByCycle[0] == [node])
        #expect(openByCycle[5] == [node])
        #expect(Set(openByCycle[6]) == [node, cpu])
        #expect(Set(openByCycle[8]) == [node, cpu, crash])
        #expect(Set(openByCycle[11]) == [node, cpu, crash])
        #expect(Set(openByCycle[12]) == [node, cpu])
        // ARK's scheduled stop (tick 8) never raised an alert, nor did anything on the PEON panel.
        #expect(!openByCycle.joined().contains { $0.contains("e07f3b55") })
        #expect(!openByCycle.joined().contains { $0.contains("home") })

        let alerts = await sink.messages(in: DemoScenario.alertsChannel)
        let titles = alerts.map { $0.payload.embeds?.first?.title ?? $0.payload.content ?? "" }
        #expect(
            titles == [
                "🟡 Node memory allocated: node-us-1 (Ashburn (iad1))",
                "🟡 High CPU: Survival SMP (Paper 1.21)",
                "✅ Server stopped: CS2 Retake #1",
                "✅ **CS2 Retake #1**: server stopped resolved after 40 s",
            ]
        )
        #expect(!titles.contains { $0.contains("ARK") })
        // Each new alert mentioned the role; the crash's message turned green and got a recovery reply.
        #expect(alerts.prefix(3).allSatisfy { $0.payload.content == "<@&\(DemoScenario.alertRole.rawValue)>" })
        let crashEmbed = try #require(alerts[2].payload.embeds?.first)
        #expect(crashEmbed.color == 0x57F287)
        #expect(crashEmbed.fields?.contains { $0.name == "Resolved" && $0.value == "after 40 s" } == true)
        #expect(alerts[3].payload.messageReference?.messageID == alerts[2].id)
        #expect(alerts[0].payload.embeds?.first?.color == 0xFEE75C)
        #expect(alerts[1].payload.embeds?.first?.color == 0xFEE75C)
        #expect(
            html.contains(
                "replying to <a href=\"#message-\(alerts[2].id.rawValue)\">✅ Server stopped: CS2 Retake #1</a>"
            )
        )
        #expect(html.contains("@\(DemoScenario.alertRoleName)</span>"))
        #expect(!html.contains("&lt;@&amp;"))

        if let keep = ProcessInfo.processInfo.environment["PTERODISBOT_KEEP_DEMO"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(atPath: folder, toPath: keep)
        }
    }
}
