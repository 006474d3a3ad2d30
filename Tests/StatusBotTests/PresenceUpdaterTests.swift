import DiscordModels
import Foundation
import GameQuery
import Logging
import Monitoring
import PanelCore
import Synchronization
import TestSupport
import Testing

@testable import StatusBot

@Suite struct PresenceUpdaterTests {
    private let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    // MARK: - Text

    @Test func textNamesPlayersOnceACountIsKnown() {
        #expect(PresenceUpdater.text(servers: 6, players: 37) == "37 players on 6 servers")
        #expect(PresenceUpdater.text(servers: 1, players: 1) == "1 player on 1 server")
        #expect(PresenceUpdater.text(servers: 2, players: 0) == "0 players on 2 servers")
        #expect(PresenceUpdater.text(servers: 6, players: nil) == "6 servers")
        #expect(PresenceUpdater.text(servers: 1, players: nil) == "1 server")
        #expect(PresenceUpdater.text(servers: 0, players: nil) == "0 servers")
    }

    @Test func withoutCountsThePresenceIsTodays() {
        for servers in 0...3 {
            let presence = PresenceUpdater.presence(PresenceUpdater.text(servers: servers, players: nil))
            #expect(presence == .watching(serverCount: servers))
        }
    }

    // MARK: - Consumer

    /// Records the presences sent; fails the first `failures` sends.
    private final class SentPresences: Sendable {
        private let state: Mutex<(names: [String], failures: Int)>

        init(failures: Int = 0) {
            state = Mutex(([], failures))
        }

        var names: [String] { state.withLock { $0.names } }

        func send(_ presence: GatewayPresenceUpdate) throws {
            try state.withLock { state in
                if state.failures > 0 {
                    state.failures -= 1
                    throw CancellationError()
                }
                state.names.append(contentsOf: presence.activities.map(\.name))
            }
        }
    }

    /// Three tracked Minecraft servers, 203.0.113.1 to .3, and the collector that asks them.
    private struct Fixture {
        let client = FakeGameQueryClient()
        let store = EmbedStore(file: nil)
        let players: PlayerCountCollector<ManualClock>
        let observation: Observation

        init(logger: Logger) async throws {
            players = PlayerCountCollector(client: client, interval: .seconds(30), clock: ManualClock(), logger: logger)
            var servers: [ServerID: ServerObservation] = [:]
            for number in 1...3 {
                var server = FakePanelBackend.server(number)
                server.allocations = [
                    ServerAllocation(id: number, ip: "203.0.113.\(number)", port: 25565, isDefault: true)
                ]
                server.gameHints = GameHints(image: "ghcr.io/pterodactyl/yolks:java_21")
                servers[server.id] = ServerObservation(
                    server: server,
                    state: .running,
                    usage: nil,
                    isNewSample: false,
                    sampledAt: nil
                )
                try await store.set(
                    EmbedLocation(channelID: "111111111111111111", messageID: MessageID("22222222222222222\(number)")),
                    for: server.id
                )
            }
            observation = Observation(origin: .cycle(1), observedAt: Date(timeIntervalSince1970: 0), servers: servers)
        }

        /// Scripts the answers (nil: no answer) and runs one query round.
        func answer(_ counts: [Int?]) async {
            for (index, count) in counts.enumerated() {
                client.answer(
                    GameQueryTarget(.java, host: "203.0.113.\(index + 1)", port: 25565),
                    with: count.map { .success(PlayerCount(online: $0, max: 40)) }
                        ?? .failure(.timedOut(after: .seconds(1)))
                )
            }
            await players.consume(observation)
            await players.queryRound()
        }
    }

    @Test func showsThePlayersOnServersWithAKnownCountAndEveryTrackedServer() async throws {
        let fixture = try await Fixture(logger: quiet)
        let sent = SentPresences()
        let updater = PresenceUpdater(store: fixture.store, count: 3, players: fixture.players, send: sent.send)
        await fixture.answer([30, 7, nil])
        await updater.consume(fixture.observation)
        #expect(sent.names == ["37 players on 3 servers"])
    }

    @Test func sendsOnlyWhenTheTextChanges() async throws {
        let fixture = try await Fixture(logger: quiet)
        let sent = SentPresences()
        let updater = PresenceUpdater(store: fixture.store, count: 3, players: fixture.players, send: sent.send)
        // No count yet: the presence from IDENTIFY already says "3 servers".
        await fixture.answer([nil, nil, nil])
        await updater.consume(fixture.observation)
        #expect(sent.names.isEmpty)
        await fixture.answer([1, nil, nil])
        await updater.consume(fixture.observation)
        await updater.consume(fixture.observation)
        // Another split of the same total reads the same.
        await fixture.answer([0, 1, nil])
        await updater.consume(fixture.observation)
        await fixture.answer([0, 1, 4])
        await updater.consume(fixture.observation)
        // Every server stops answering: back to the servers alone.
        await fixture.answer([nil, nil, nil])
        await updater.consume(fixture.observation)
        #expect(sent.names == ["1 player on 3 servers", "5 players on 3 servers", "3 servers"])
        // Commands between cycles do not change the presence.
        await fixture.answer([2, 2, 2])
        await updater.consume(Observation(origin: .onDemand, observedAt: Date(timeIntervalSince1970: 0), servers: [:]))
        #expect(sent.names.count == 3)
    }

    @Test func withoutPlayerCountsItCountsServersAsBefore() async throws {
        let fixture = try await Fixture(logger: quiet)
        let sent = SentPresences()
        let updater = PresenceUpdater(store: fixture.store, count: 2, players: nil, send: sent.send)
        await updater.consume(fixture.observation)
        await updater.consume(fixture.observation)
        #expect(sent.names == ["3 servers"])
    }

    @Test func aFailedSendIsTriedAgainNextCycle() async throws {
        let fixture = try await Fixture(logger: quiet)
        let sent = SentPresences(failures: 1)
        let updater = PresenceUpdater(store: fixture.store, count: 3, players: fixture.players, send: sent.send)
        await fixture.answer([2, nil, nil])
        await updater.consume(fixture.observation)
        #expect(sent.names.isEmpty)
        await updater.consume(fixture.observation)
        #expect(sent.names == ["2 players on 3 servers"])
    }
}
