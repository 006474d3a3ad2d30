import DiscordModels
import Foundation
import GameQuery
import PanelCore
import Testing

@testable import StatusBot

@Suite struct StatusEmbedBuilderTests {
    let builder = StatusEmbedBuilder(updateInterval: .seconds(10))
    let server = GameServer(
        id: ServerID("1a2b3c4d"),
        name: "Minecraft SMP",
        description: "Survival, whitelist only",
        nodeName: "node-eu-1",
        limits: ServerLimits(memoryMiB: 4096, diskMiB: 20480, cpuPercent: 400),
        allocations: [
            ServerAllocation(id: 1, ip: "10.0.0.5", alias: "play.mygame.host", port: 25565, isDefault: true),
            ServerAllocation(id: 2, ip: "10.0.0.5", port: 25575, isDefault: false),
        ]
    )

    func resources(_ state: ServerState, cpu: Double = 276.34) -> ServerResources {
        ServerResources(
            state: state,
            rawState: state.rawValue,
            memoryBytes: 3530 * 1_048_576,
            cpuAbsolute: cpu,
            diskBytes: 5 * 1_073_741_824,
            networkRxBytes: 1_048_576,
            networkTxBytes: 2048,
            uptimeMilliseconds: 2 * 86_400_000 + 3_600_000
        )
    }

    func snapshot(_ state: ServerState, stale: Bool = false) -> ServerSnapshot {
        ServerSnapshot(
            server: server,
            state: state,
            resources: resources(state.isPowerState ? state : .running),
            staleReason: stale ? "the panel cannot be reached" : nil,
            observedAt: Date(timeIntervalSince1970: 1_764_622_800)
        )
    }

    func buttons(_ message: OutgoingMessage) -> [Button] {
        guard case .actionRow(let row)? = message.payload.components?.first else { return [] }
        return row.components.compactMap { if case .button(let button) = $0 { button } else { nil } }
    }

    @Test func runningServerShowsEveryFieldAndTheGraph() throws {
        let message = builder.message(for: snapshot(.running), graphPNG: [0x89, 0x50])
        let embed = try #require(message.payload.embeds?.first)
        #expect(embed.title == "Minecraft SMP")
        #expect(embed.color == 0x57F287)
        #expect(embed.timestamp == "2025-12-01T21:00:00Z")
        let fields = Dictionary(uniqueKeysWithValues: (embed.fields ?? []).map { ($0.name, $0.value) })
        #expect(fields["State"] == "🟢 Running")
        #expect(fields["CPU"] == "276.3% of 400% (4 vCPU)")
        #expect(fields["Memory"] == "3.45 GiB / 4.00 GiB")
        #expect(fields["Disk"] == "5.00 GiB / 20.0 GiB")
        #expect(fields["Network"] == "↓ 1.00 MiB ↑ 2.00 KiB")
        #expect(fields["Uptime"] == "2d 1h 0m")
        #expect(fields["Node"] == "node-eu-1")
        #expect(fields["Address"] == "`play.mygame.host:25565`")
        #expect(embed.image?.url == "attachment://graph-1a2b3c4d.png")
        #expect(message.files.map(\.filename) == ["graph-1a2b3c4d.png"])
        #expect(message.payload.attachments?.count == 1)
    }

    @Test func withoutGraphTheOldAttachmentIsCleared() throws {
        let message = builder.message(for: snapshot(.running), graphPNG: nil)
        #expect(message.files.isEmpty)
        #expect(message.payload.attachments == [])
        #expect(message.payload.embeds?.first?.image == nil)
    }

    @Test func buttonsFollowTheState() {
        func enabled(_ state: ServerState) -> [String] {
            buttons(builder.message(for: snapshot(state), graphPNG: nil)).filter { $0.disabled != true }.compactMap(
                \.label
            )
        }
        #expect(enabled(.running) == ["Stop", "Restart", "Show Address"])
        #expect(enabled(.offline) == ["Start", "Restart", "Show Address"])
        #expect(enabled(.stopping) == ["Show Address"])
        #expect(enabled(.suspended) == ["Show Address"])
        #expect(enabled(.panelUnreachable) == ["Show Address"])
        let ids = buttons(builder.message(for: snapshot(.running), graphPNG: nil)).compactMap(\.customID)
        #expect(
            ids == ["ptero:start:1a2b3c4d", "ptero:stop:1a2b3c4d", "ptero:restart:1a2b3c4d", "ptero:address:1a2b3c4d"]
        )
    }

    @Test func offlineServerHidesLiveFigures() throws {
        let embed = try #require(builder.message(for: snapshot(.offline), graphPNG: nil).payload.embeds?.first)
        let names = (embed.fields ?? []).map(\.name)
        #expect(names == ["State", "Disk", "Node", "Address"])
        #expect(embed.color == 0xED4245)
    }

    @Test func staleStateSaysSoAndKeepsLastValues() throws {
        let embed = try #require(
            builder.message(for: snapshot(.panelUnreachable, stale: true), graphPNG: nil).payload.embeds?.first
        )
        #expect(embed.description?.contains("panel cannot be reached") == true)
        #expect(embed.description?.contains("<t:1764622800:R>") == true)
        #expect((embed.fields ?? []).contains { $0.name == "CPU" })
        #expect(embed.color == 0x80848E)
    }

    @Test func removedServerHasNoButtons() throws {
        let message = builder.message(for: snapshot(.removed), graphPNG: nil)
        #expect(message.payload.components == [])
        #expect(message.payload.embeds?.first?.description?.contains("no longer exists") == true)
    }

    @Test func unlimitedCPUAndMemoryAreLabelled() throws {
        var unlimited = snapshot(.running)
        unlimited.server.limits = ServerLimits(memoryMiB: 0, diskMiB: 0, cpuPercent: 0)
        let embed = try #require(builder.message(for: unlimited, graphPNG: nil).payload.embeds?.first)
        let fields = Dictionary(uniqueKeysWithValues: (embed.fields ?? []).map { ($0.name, $0.value) })
        #expect(fields["CPU"] == "276.3% (unlimited)")
        #expect(fields["Memory"] == "3.45 GiB (unlimited)")
    }

    @Test func playersShowTheCountAndUpToTenEscapedNames() throws {
        var running = snapshot(.running)
        running.players = PlayerCount(online: 12, max: 40, names: ["*Steve*"] + (1...11).map { "p\($0)" })
        let fields = embedFieldValues(try #require(builder.message(for: running, graphPNG: nil).payload.embeds?.first))
        #expect(fields["Players"] == "12 / 40\n\\*Steve\\*, p1, p2, p3, p4, p5, p6, p7, p8, p9, …")
        running.players = PlayerCount(online: 0, max: 20)
        let empty = embedFieldValues(try #require(builder.message(for: running, graphPNG: nil).payload.embeds?.first))
        #expect(empty["Players"] == "0 / 20")
        var offline = snapshot(.offline)
        offline.players = PlayerCount(online: 1, max: 20)
        #expect(
            embedFieldValues(try #require(builder.message(for: offline, graphPNG: nil).payload.embeds?.first))[
                "Players"
            ] == nil
        )
    }
}
