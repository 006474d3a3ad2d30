import Foundation
import GameQuery
import Logging
import Monitoring
import PanelCore
import ServerMetrics
import TestSupport
import Testing

@testable import StatusBot

/// The players line of the graph: each cycle's sample carries the count known then, through the real collector
/// and the fake game query client.
@Suite struct PlayersGraphTests {
    private let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    private let java = GameQueryTarget(.java, host: "203.0.113.10", port: 25565)

    /// A running Minecraft server (the Java yolks image at 203.0.113.10:25565) with a new sample from `cycle`.
    private func sampled(cycle: Int) -> Observation {
        var server = FakePanelBackend.server(1)
        server.allocations = [ServerAllocation(id: 1, ip: "203.0.113.10", port: 25565, isDefault: true)]
        server.gameHints = GameHints(image: "ghcr.io/pterodactyl/yolks:java_21")
        let observed = ServerObservation(
            server: server,
            state: .running,
            usage: ServerResources(state: .running, memoryBytes: 1_073_741_824, cpuAbsolute: 50),
            isNewSample: true,
            sampledAt: Date(timeIntervalSince1970: 1_780_000_000 + Double(cycle) * 10)
        )
        return Observation(
            origin: .cycle(cycle),
            observedAt: Date(timeIntervalSince1970: 1_780_000_000 + Double(cycle) * 10),
            servers: [server.id: observed]
        )
    }

    private func graphing() -> MetricsGraphing {
        MetricsGraphing(
            fonts: GraphFonts.load(),
            timeZone: TimeZone(identifier: "UTC")!,
            logger: quiet
        )
    }

    @Test func eachSampleCarriesItsCyclesCountAndUnknownStaysAGap() async throws {
        let client = FakeGameQueryClient()
        let players = PlayerCountCollector(client: client, interval: .seconds(30), clock: ManualClock(), logger: quiet)
        let graphs = graphing()
        let recorder = GraphSampleRecorder(graphs: graphs, players: players)
        let answers: [Int?] = [3, nil, 5, 6, 7, nil, 9, 4]
        for (cycle, answer) in answers.enumerated() {
            let observation = sampled(cycle: cycle)
            client.answer(
                java,
                with: answer.map { .success(PlayerCount(online: $0, max: 20)) }
                    ?? .failure(.timedOut(after: .seconds(1)))
            )
            await players.consume(observation)
            await players.queryRound()
            await recorder.consume(observation)
        }
        let server = FakePanelBackend.server(1)
        let series = try #require(await graphs.series(for: server.id))
        // The last six cycles, oldest first; no answer is nil, never 0.
        #expect(series.points.map(\.players) == [5, 6, 7, nil, 9, 4])
        #expect(series.points.map(\.maxPlayers) == [20, 20, 20, nil, 20, 20])
        #expect(await graphs.graph(for: server) != nil)
    }

    @Test func withoutCountsEverySampleIsUnknown() async throws {
        let graphs = graphing()
        // A collector that never got an answer, and no collector at all ([Players] Enabled = no).
        let silent = PlayerCountCollector(
            client: FakeGameQueryClient(),
            interval: .seconds(30),
            clock: ManualClock(),
            logger: quiet
        )
        for recorder in [GraphSampleRecorder(graphs: graphs, players: silent), GraphSampleRecorder(graphs: graphs)] {
            for cycle in 0..<6 {
                let observation = sampled(cycle: cycle)
                await silent.consume(observation)
                await silent.queryRound()
                await recorder.consume(observation)
            }
            let server = FakePanelBackend.server(1)
            #expect(await graphs.series(for: server.id)?.points.allSatisfy { $0.players == nil } == true)
            #expect(await graphs.graph(for: server) != nil)
            await graphs.forget(server.id)
        }
    }
}
