import Foundation
import GameQuery
import Logging
import Monitoring
import PanelCore
import TestSupport
import Testing

@testable import StatusBot

@Suite struct PlayerCountCollectorTests {
    private let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    private let java = GameQueryTarget(.java, host: "203.0.113.10", port: 25565)

    /// A running Minecraft server at 203.0.113.10:25565 (the Java yolks image).
    private func observed(_ number: Int = 1, state: ServerState = .running, port: Int = 25565) -> ServerObservation {
        var server = FakePanelBackend.server(number)
        server.allocations = [ServerAllocation(id: number, ip: "203.0.113.10", port: port, isDefault: true)]
        server.gameHints = GameHints(image: "ghcr.io/pterodactyl/yolks:java_21")
        return ServerObservation(server: server, state: state, usage: nil, isNewSample: false, sampledAt: nil)
    }

    private func observation(_ servers: [ServerObservation]) -> Observation {
        Observation(
            origin: .cycle(1),
            observedAt: Date(timeIntervalSince1970: 0),
            servers: Dictionary(uniqueKeysWithValues: servers.map { ($0.server.id, $0) })
        )
    }

    private func collector(_ client: FakeGameQueryClient, clock: ManualClock = ManualClock()) -> PlayerCountCollector<
        ManualClock
    > {
        PlayerCountCollector(client: client, interval: .seconds(30), clock: clock, logger: quiet)
    }

    @Test func aRunningServerIsAskedAndItsCountKept() async {
        let client = FakeGameQueryClient()
        client.answer(java, with: .success(PlayerCount(online: 3, max: 20, names: ["Alex"])))
        let players = collector(client)
        let server = observed()
        await players.consume(observation([server]))
        #expect(await players.playerCount(of: server.server.id) == nil)  // not asked yet
        await players.queryRound()
        #expect(await players.playerCount(of: server.server.id)?.online == 3)
        #expect(client.queries == [java])
    }

    @Test func noAnswerIsUnknownNeverZero() async {
        let client = FakeGameQueryClient()
        client.answer(java, with: .success(PlayerCount(online: 3, max: 20)))
        let players = collector(client)
        let server = observed()
        await players.consume(observation([server]))
        await players.queryRound()
        client.answer(java, with: .failure(.timedOut(after: .seconds(1))))
        await players.queryRound()
        #expect(await players.playerCount(of: server.server.id) == nil)
    }

    @Test func stoppedUnknownAndUnwatchedServersAreNotAsked() async {
        let client = FakeGameQueryClient()
        client.answer(java, with: .success(PlayerCount(online: 3, max: 20)))
        let players = collector(client)
        let server = observed()
        await players.consume(observation([server]))
        await players.queryRound()
        // It stops: the count goes at once, and the next round asks nobody.
        await players.consume(observation([observed(state: .offline)]))
        #expect(await players.playerCount(of: server.server.id) == nil)
        await players.queryRound()
        // A game the bot cannot ask, and a cycle that no longer watches the server.
        var unknownGame = observed(2)
        unknownGame.server.gameHints = GameHints(image: "ghcr.io/parkervcp/yolks:nodejs_18")
        await players.consume(observation([unknownGame]))
        await players.queryRound()
        #expect(client.queries == [java])
    }

    @Test func roundsFollowTheIntervalOnTheClock() async throws {
        let client = FakeGameQueryClient()
        client.answer(java, with: .success(PlayerCount(online: 1, max: 10)))
        let clock = ManualClock()
        let players = collector(client, clock: clock)
        await players.consume(observation([observed()]))
        let running = Task { try await players.run() }
        await clock.waitForSleepers(count: 1)
        #expect(client.queries.count == 1)
        clock.advance(by: .seconds(29))
        #expect(client.queries.count == 1)
        clock.advance(by: .seconds(1))
        await clock.waitForSleepers(count: 1)
        #expect(client.queries.count == 2)
        running.cancel()
        _ = try? await running.value
    }
}
