import DiscordModels
import Logging
import Monitoring
import PanelCore
import TestSupport
import Testing

@testable import StatusBot

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The status updater with protocol-level doubles: the in-memory panel backend and message sink, a manual clock.
@Suite(.timeLimit(.minutes(1))) struct StatusMessageUpdaterTests {
    static let channel: ChannelID = "300000000000000001"
    static let first = FakePanelBackend.server(1, name: "Valheim")
    static let second = FakePanelBackend.server(2, name: "Ark")

    let backend = FakePanelBackend(servers: [first, second])
    let sink = FakeMessageSink()
    let clock = ManualClock()
    let logs = LogCapture()

    func services() async -> StatusServices<ManualClock> {
        await StatusServices.make(
            backend: backend,
            configuration: StatusUpdaterConfiguration(),
            sink: sink,
            store: EmbedStore(file: nil),
            graphs: NoGraphs(),
            clock: clock,
            wallClock: { Date(timeIntervalSince1970: 1_800_000_000) },
            logger: logs.logger()
        )
    }

    /// Yields until `condition` holds; the test's time limit is the failure guard.
    func eventually(_ condition: () async -> Bool) async throws {
        while await !condition() {
            try Task.checkCancellation()
            await Task.yield()
        }
    }

    func stateField(_ id: MessageID) -> String? {
        sink.message(id)?.payload.embeds?.first?.fields?.first { $0.name == "State" }?.value
    }

    @Test func aRefreshWaitsForTheCycleEditOfTheSameServer() async throws {
        let services = await services()
        backend.setRunning(Self.first.id, cpu: 10, sample: 1)
        let message = try await services.updater.track(Self.first.id, in: Self.channel)
        backend.setUsage(ServerResources(state: .offline), for: Self.first.id)
        sink.editGate.close()

        async let cycle: Observation = services.monitor.cycle()
        await sink.editGate.waitUntilHeld()
        async let refresh: CycleReport = services.updater.refresh(Self.first.id)
        try await eventually { await services.updater.waitingForTurn == 1 }
        // The refresh polled the panel but did not reach Discord while the cycle's edit was in flight.
        #expect(sink.editGate.arrivals == ["edit"])
        sink.editGate.open()
        _ = await cycle
        let report = await refresh
        #expect(report.edited == 1)
        #expect(sink.calls.filter { $0 == .edit(Self.channel, message) }.count == 2)
        #expect(stateField(message) == "🔴 Offline")
    }

    @Test func reselectingPostsTheNewMessageBeforeDeletingTheOld() async throws {
        let services = await services()
        let old = try await services.updater.track(Self.first.id, in: Self.channel)
        let new = try await services.updater.track(Self.first.id, in: Self.channel)
        #expect(sink.calls == [.create(Self.channel, old), .create(Self.channel, new), .delete(Self.channel, old)])
        #expect(await services.store.location(for: Self.first.id)?.messageID == new)
    }

    @Test func aFailedReselectKeepsTheOldMessage() async throws {
        let services = await services()
        let old = try await services.updater.track(Self.first.id, in: Self.channel)
        sink.failNext(.create, with: .missingAccess(code: 50013))
        await #expect(throws: MessageSinkError.missingAccess(code: 50013)) {
            try await services.updater.track(Self.first.id, in: Self.channel)
        }
        #expect(await services.store.location(for: Self.first.id)?.messageID == old)
        #expect(sink.messageIDs == [old])
    }

    @Test func pastTheEditLimitTheMessageIsRepostedOnce() async throws {
        let services = await services()
        let old = try await services.updater.track(Self.first.id, in: Self.channel)
        sink.failNext(.edit, with: .tooManyEditsToOldMessage)
        backend.setRunning(Self.first.id, cpu: 10, sample: 1)
        await services.monitor.cycle()
        let report = try #require(await services.updater.recentCycles.last)
        #expect(report.reposted == 1)
        let new = try #require(await services.store.location(for: Self.first.id)?.messageID)
        #expect(new != old)
        #expect(sink.messageIDs == [new])
        #expect(stateField(new) == "🟢 Running")
    }

    @Test func aDeletedMessageIsDroppedAndNotPolledAgain() async throws {
        let services = await services()
        try await services.updater.track(Self.first.id, in: Self.channel)
        try await services.updater.track(Self.second.id, in: Self.channel)
        sink.failNext(.edit, with: .messageGone)
        clock.advance(by: .seconds(600))
        await services.monitor.cycle()
        #expect(await services.store.all.count == 1)
        let requests = backend.usageRequests.count
        await services.monitor.cycle()
        #expect(backend.usageRequests.count == requests + 1)
        #expect(backend.usageRequests.last?.count == 1)
    }

    @Test func aRefusedKeyShowsTheMessageAsStaleAndARefreshKeepsSayingSo() async throws {
        let services = await services()
        backend.setRunning(Self.first.id, cpu: 10, sample: 1)
        let message = try await services.updater.track(Self.first.id, in: Self.channel)
        backend.fail(Self.first.id, with: PanelFailure(.keyRefused, detail: "client key rejected"))
        await services.monitor.cycle()
        var embed = try #require(sink.message(message)?.payload.embeds?.first)
        #expect(embed.color == StatusEmbedBuilder.staleColor)
        #expect(embed.description?.contains("Not current: the panel refuses the bot's key") == true)
        let report = await services.updater.refresh(Self.first.id)
        #expect(report.panelErrors == 1)  // `/refresh_embeds` says the panel failed for it
        embed = try #require(sink.message(message)?.payload.embeds?.first)
        #expect(embed.description?.contains("the panel refuses the bot's key") == true)
        #expect(embed.color == StatusEmbedBuilder.staleColor)
        // Still tracked, buttons still there.
        #expect(sink.message(message)?.payload.components?.isEmpty == false)
    }

    @Test func perServerAndPerChannelStateGoesWithTheMessages() async throws {
        let services = await services()
        try await services.updater.track(Self.first.id, in: Self.channel)
        sink.failNext(.edit, with: .missingAccess(code: 50001))
        clock.advance(by: .seconds(600))
        await services.monitor.cycle()
        #expect(await services.updater.retainedState == (shown: 1, blockedChannels: 1))
        _ = await services.updater.purgeAll()
        #expect(await services.updater.retainedState == (shown: 0, blockedChannels: 0))
    }

    @Test func purgeTakesEachServersTurn() async throws {
        let services = await services()
        try await services.updater.track(Self.first.id, in: Self.channel)
        try await services.updater.track(Self.second.id, in: Self.channel)
        let result = await services.updater.purgeAll()
        #expect(result.deleted == 2)
        #expect(sink.messageIDs.isEmpty)
        #expect(await services.store.all.isEmpty)
    }
}

/// Compare-and-set on the store: a change computed for an old location never overwrites a newer one.
@Suite struct EmbedStoreCompareAndSetTests {
    let server = ServerID("a0000001")
    let old = EmbedLocation(channelID: "300000000000000001", messageID: "500000000000000001")
    let new = EmbedLocation(channelID: "300000000000000001", messageID: "500000000000000002")

    @Test func replaceAppliesOnlyToTheExpectedLocation() async throws {
        let store = EmbedStore(file: nil, initial: [server: new])
        #expect(try await !store.replace(server, expected: old, with: old))
        #expect(await store.location(for: server) == new)
        #expect(try await store.replace(server, expected: new, with: old))
        #expect(await store.location(for: server) == old)
    }

    @Test func removeAppliesOnlyToTheExpectedLocation() async throws {
        let store = EmbedStore(file: nil, initial: [server: new])
        #expect(try await !store.remove(server, ifAt: old))
        #expect(await store.location(for: server) == new)
        #expect(try await store.remove(server, ifAt: new))
        #expect(await store.all.isEmpty)
    }
}
