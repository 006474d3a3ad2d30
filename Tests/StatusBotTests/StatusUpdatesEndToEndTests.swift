import DiscordModels
import Foundation
import GameQuery
import PanelCore
import Pterodactyl
import TestSupport
import Testing

@testable import StatusBot

/// The status updates end to end: the real monitor, updater, Pterodactyl backend and Discord client against the
/// loopback fakes.
@Suite struct StatusUpdatesEndToEndTests {
    static let first = FakePanel.Server.numbered(1, name: "Valheim-01")
    static let second = FakePanel.Server.numbered(2, name: "Minecraft SMP")

    func trackBoth(_ harness: StatusHarness) async throws {
        harness.setRunning(Self.first.id, cpu: 20, sample: 0)
        harness.setRunning(Self.second.id, cpu: 40, sample: 0)
        try await harness.updater.track(Self.first.id, in: StatusHarness.channel)
        try await harness.updater.track(Self.second.id, in: StatusHarness.channel)
    }

    @Test func trackingPostsAndPersistsOneMessagePerServer() async throws {
        let harness = try await StatusHarness(servers: [Self.first, Self.second])
        try await trackBoth(harness)
        let messages = await harness.discord.messages(in: StatusHarness.channel)
        #expect(messages.count == 2)
        #expect(messages.first?.embeds.first?.title == "Valheim-01")
        let stored = try EmbedStoreFile(path: harness.storePath).load().locations
        #expect(Set(stored.keys) == [Self.first.id, Self.second.id])
        try await harness.shutdown()
    }

    @Test func trackingAgainReplacesTheOldMessage() async throws {
        let harness = try await StatusHarness(servers: [Self.first])
        harness.setRunning(Self.first.id, cpu: 20, sample: 0)
        let old = try await harness.updater.track(Self.first.id, in: StatusHarness.channel)
        let new = try await harness.updater.track(Self.first.id, in: StatusHarness.channel)
        #expect(old != new)
        let messages = await harness.discord.messages(in: StatusHarness.channel)
        #expect(messages.map(\.id) == [new])
        try await harness.shutdown()
    }

    @Test func unchangedStateMakesNoDiscordCall() async throws {
        let harness = try await StatusHarness(servers: [Self.first, Self.second])
        try await trackBoth(harness)
        let before = await harness.messageRequests.count
        harness.clock.advance(by: .seconds(10))
        let report = await harness.tick()
        #expect(report.edited == 0)
        #expect(report.panelRequests == 2)
        #expect(await harness.messageRequests.count == before)
        try await harness.shutdown()
    }

    @Test func eachTriggerEditsExactlyOnce() async throws {
        let harness = try await StatusHarness(servers: [Self.first, Self.second])
        try await trackBoth(harness)

        // Power state change on one server: one edit, only that server.
        harness.panel.setState(.offline, for: Self.first.id)
        harness.clock.advance(by: .seconds(10))
        var report = await harness.tick()
        #expect(report.edited == 1)
        let edited = await harness.messageRequests.last
        #expect(edited?.method == "PATCH")
        report = await harness.tick()
        #expect(report.edited == 0)

        // CPU jump above the threshold (50 points): one edit.
        harness.setRunning(Self.second.id, cpu: 95, sample: 1)
        harness.clock.advance(by: .seconds(10))
        report = await harness.tick()
        #expect(report.edited == 1)

        // A smaller move: nothing.
        harness.setRunning(Self.second.id, cpu: 120, sample: 2)
        harness.clock.advance(by: .seconds(10))
        report = await harness.tick()
        #expect(report.edited == 0)

        // Forced refresh after 600 s without an edit: both edited once.
        harness.clock.advance(by: .seconds(600))
        report = await harness.tick()
        #expect(report.edited == 2)
        report = await harness.tick()
        #expect(report.edited == 0)
        try await harness.shutdown()
    }

    /// The game server's player count reaches its status message: shown once known, edited for a new count at
    /// most once a minute, and gone (not 0) when the server stops answering.
    @Test func playerCountsReachTheStatusMessage() async throws {
        let queries = FakeGameQueryClient()
        let harness = try await StatusHarness(servers: [Self.second], gameQueries: queries)
        let players = try #require(harness.players)
        // The fake panel lists the Java yolks image and the primary allocation 203.0.113.10:25567.
        let target = GameQueryTarget(.java, host: "203.0.113.10", port: 25567)
        queries.answer(target, with: .success(PlayerCount(online: 3, max: 20, names: ["Alex", "Steve", "Kai"])))
        harness.setRunning(Self.second.id, cpu: 40, sample: 0)
        try await harness.updater.track(Self.second.id, in: StatusHarness.channel)
        await harness.tick()
        await players.queryRound()

        func playersField() async throws -> String? {
            let body = try #require(await harness.messageRequests.last?.body)
            let json = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
            let fields = (json?["embeds"] as? [[String: Any]])?.first?["fields"] as? [[String: Any]] ?? []
            return fields.first { $0["name"] as? String == "Players" }?["value"] as? String
        }
        // Becoming known is a change, but not before a minute since the last edit.
        harness.clock.advance(by: .seconds(10))
        #expect(await harness.tick().edited == 0)
        harness.clock.advance(by: .seconds(50))
        #expect(await harness.tick().editReasons["players"] == 1)
        #expect(try await playersField() == "3 / 20\nAlex, Steve, Kai")

        queries.answer(target, with: .failure(.timedOut(after: .seconds(1))))
        await players.queryRound()
        harness.clock.advance(by: .seconds(60))
        #expect(await harness.tick().editReasons["players"] == 1)
        #expect(try await playersField() == nil)
        try await harness.shutdown()
    }

    @Test func graphIsAttachedFromTheSixthRunningSample() async throws {
        let harness = try await StatusHarness(servers: [Self.first])
        harness.setRunning(Self.first.id, cpu: 10, sample: 0)
        try await harness.updater.track(Self.first.id, in: StatusHarness.channel)
        var graphEdits = 0
        for sample in 1...5 {
            harness.setRunning(Self.first.id, cpu: 10 + Double(sample), sample: sample)
            harness.clock.advance(by: .seconds(10))
            let report = await harness.tick()
            if sample < 5 { #expect(report.edited == 0, "sample \(sample)") }
            graphEdits += report.edited
        }
        #expect(graphEdits == 1)
        let edit = try #require(await harness.messageRequests.last)
        #expect(edit.method == "PATCH")
        #expect(edit.files.count == 1)
        let png = try #require(edit.files.first)
        #expect(Array(png.data.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
        let payload = try edit.decodePayload(MessagePayload.self)
        #expect(payload.embeds?.first?.image?.url == "attachment://graph-\(Self.first.id.rawValue).png")
        try await harness.shutdown()
    }

    @Test func deletedMessageOrChannelStopsTracking() async throws {
        let harness = try await StatusHarness(servers: [Self.first, Self.second])
        try await trackBoth(harness)
        let stored = await harness.store.all
        let firstMessage = try #require(stored[Self.first.id]).messageID
        await harness.discord.deleteMessage(firstMessage, in: StatusHarness.channel)
        await harness.discord.failNext(
            .unknownChannel,
            method: "PATCH",
            pathContains: try #require(stored[Self.second.id]).messageID.rawValue
        )
        harness.clock.advance(by: .seconds(600))
        let report = await harness.tick()
        #expect(report.dropped == 2)
        #expect(await harness.store.all.isEmpty)
        #expect(try EmbedStoreFile(path: harness.storePath).load().locations.isEmpty)
        harness.clock.advance(by: .seconds(600))
        let requestsBefore = await harness.messageRequests.count
        await harness.tick()
        #expect(await harness.messageRequests.count == requestsBefore)
        try await harness.shutdown()
    }

    @Test func tooManyEditsRepostsAndTracksTheNewMessage() async throws {
        let harness = try await StatusHarness(servers: [Self.first])
        harness.setRunning(Self.first.id, cpu: 10, sample: 0)
        let old = try await harness.updater.track(Self.first.id, in: StatusHarness.channel)
        await harness.discord.failNext(.tooManyEditsToOldMessage, method: "PATCH")
        harness.panel.setState(.offline, for: Self.first.id)
        harness.clock.advance(by: .seconds(10))
        let report = await harness.tick()
        #expect(report.reposted == 1)
        let messages = await harness.discord.messages(in: StatusHarness.channel)
        #expect(messages.count == 1)
        let new = try #require(messages.first?.id)
        #expect(new != old)
        #expect(await harness.store.location(for: Self.first.id)?.messageID == new)
        try await harness.shutdown()
    }

    @Test func missingAccessBacksOffThatChannel() async throws {
        let harness = try await StatusHarness(servers: [Self.first])
        harness.setRunning(Self.first.id, cpu: 10, sample: 0)
        try await harness.updater.track(Self.first.id, in: StatusHarness.channel)
        await harness.discord.failNext(.missingPermissions, method: "PATCH")
        harness.panel.setState(.offline, for: Self.first.id)
        harness.clock.advance(by: .seconds(10))
        var report = await harness.tick()
        #expect(report.failed == 1)
        #expect(await harness.store.location(for: Self.first.id) != nil)
        let patches = await harness.messageRequests.filter { $0.method == "PATCH" }.count
        harness.clock.advance(by: .seconds(10))
        report = await harness.tick()
        #expect(await harness.messageRequests.filter { $0.method == "PATCH" }.count == patches)
        harness.clock.advance(by: .seconds(60))
        report = await harness.tick()
        #expect(report.edited == 1)
        let errors = harness.logs.captured.filter { $0.contains("lacks access") }
        #expect(errors.count == 1)
        try await harness.shutdown()
    }

    @Test func panelOutageIsShownOnceThenRecovers() async throws {
        let harness = try await StatusHarness(servers: [Self.first])
        harness.setRunning(Self.first.id, cpu: 10, sample: 0)
        try await harness.updater.track(Self.first.id, in: StatusHarness.channel)
        harness.panel.setPanelDown(true)
        harness.clock.advance(by: .seconds(61))  // past the server-list cache
        var report = await harness.tick()
        #expect(report.edited == 1)
        let outage = try #require(await harness.messageRequests.last).decodePayload(MessagePayload.self)
        #expect(outage.embeds?.first?.description?.contains("panel cannot be reached") == true)
        #expect(outage.embeds?.first?.fields?.contains { $0.name == "CPU" } == true)
        for _ in 0..<3 {
            harness.clock.advance(by: .seconds(10))
            report = await harness.tick()
            #expect(report.edited == 0)
        }
        harness.clock.advance(by: .seconds(3600))
        report = await harness.tick()
        #expect(report.edited == 0, "no forced refresh while nothing new is known")
        harness.panel.setPanelDown(false)
        harness.setRunning(Self.first.id, cpu: 12, sample: 1)
        harness.clock.advance(by: .seconds(10))
        report = await harness.tick()
        #expect(report.edited == 1)
        let recovered = try #require(await harness.messageRequests.last).decodePayload(MessagePayload.self)
        #expect(recovered.embeds?.first?.fields?.first?.value == "🟢 Running")
        let failures = harness.logs.captured.filter { $0.contains("panel problem;") }
        #expect(failures.count == 1, "\(failures)")
        try await harness.shutdown()
    }

    @Test func removedServerIsAnnouncedOnceThenDropped() async throws {
        let harness = try await StatusHarness(servers: [Self.first])
        harness.setRunning(Self.first.id, cpu: 10, sample: 0)
        try await harness.updater.track(Self.first.id, in: StatusHarness.channel)
        harness.panel.setState(.removed, for: Self.first.id)
        // The panel's own 404 once: not proof yet, the message stays (marked stale) with its buttons.
        harness.clock.advance(by: .seconds(10))
        var report = await harness.tick()
        #expect(report.dropped == 0)
        #expect(await harness.store.location(for: Self.first.id) != nil)
        let pending = try #require(await harness.messageRequests.last).decodePayload(MessagePayload.self)
        #expect(pending.components?.isEmpty == false)
        // Twice, and a fresh server list without it: removed.
        harness.clock.advance(by: .seconds(10))
        report = await harness.tick()
        #expect(report.edited == 1)
        #expect(report.dropped == 1)
        let payload = try #require(await harness.messageRequests.last).decodePayload(MessagePayload.self)
        #expect(payload.embeds?.first?.description?.contains("no longer exists") == true)
        #expect(payload.components == [])
        #expect(await harness.store.all.isEmpty)
        try await harness.shutdown()
    }

    @Test func restartContinuesEditingTheSameMessages() async throws {
        let harness = try await StatusHarness(servers: [Self.first, Self.second])
        try await trackBoth(harness)
        let before = await harness.discord.messages(in: StatusHarness.channel).map(\.id)
        try await harness.shutdown(keepFakes: true)

        let restarted = try await StatusHarness(servers: [], restartOf: harness)
        restarted.clock.advance(by: .seconds(10))
        let report = await restarted.tick()
        #expect(report.edited == 2, "first check after start edits")
        #expect(report.reposted == 0)
        let after = await restarted.discord.messages(in: StatusHarness.channel).map(\.id)
        #expect(after == before, "no duplicate messages")
        try await restarted.shutdown()
    }

    @Test func refreshEditsAtOnceIgnoringTheRules() async throws {
        let harness = try await StatusHarness(servers: [Self.first, Self.second])
        try await trackBoth(harness)
        let single = await harness.updater.refresh(Self.first.id)
        #expect(single.edited == 1)
        let all = await harness.updater.refreshAll()
        #expect(all.edited == 2)
        try await harness.shutdown()
    }

    @Test func purgeDeletesEverythingAndEmptiesTheStore() async throws {
        let harness = try await StatusHarness(servers: [Self.first, Self.second])
        try await trackBoth(harness)
        let result = await harness.updater.purgeAll()
        #expect(result.deleted == 2)
        #expect(result.failed == 0)
        #expect(await harness.discord.messages(in: StatusHarness.channel).isEmpty)
        #expect(try EmbedStoreFile(path: harness.storePath).load().locations.isEmpty)
        try await harness.shutdown()
    }

    @Test func noSecretReachesTheLogs() async throws {
        let harness = try await StatusHarness(servers: [Self.first])
        harness.setRunning(Self.first.id, cpu: 10, sample: 0)
        try await harness.updater.track(Self.first.id, in: StatusHarness.channel)
        await harness.discord.failNext(.missingAccess, method: "PATCH")
        harness.panel.setPanelDown(true)
        harness.clock.advance(by: .seconds(61))
        await harness.tick()
        harness.panel.setPanelDown(false)
        harness.clock.advance(by: .seconds(61))
        await harness.tick()
        let text = harness.logs.captured.joined(separator: "\n")
        #expect(!text.isEmpty)
        #expect(!text.contains(StatusHarness.token.exposedValue))
        #expect(!text.contains(harness.panel.clientKey.exposedValue))
        #expect(!text.contains(harness.panel.applicationKey.exposedValue))
        try await harness.shutdown()
    }

    @Test func aProxysHTML404NeverUntracksAMessage() async throws {
        let harness = try await StatusHarness(servers: [Self.first])
        harness.setRunning(Self.first.id, cpu: 10, sample: 0)
        try await harness.updater.track(Self.first.id, in: StatusHarness.channel)
        // A reverse proxy in front of the panel answering 404 with its own HTML page (no panel JSON body).
        harness.panel.failNext(.htmlPage(status: 404), for: Self.first.id, times: 3)
        for _ in 0..<3 {
            harness.clock.advance(by: .seconds(10))
            let report = await harness.tick()
            #expect(report.dropped == 0)
        }
        #expect(await harness.store.location(for: Self.first.id) != nil)
        let payload = try #require(await harness.messageRequests.last).decodePayload(MessagePayload.self)
        #expect(payload.components?.isEmpty == false)
        #expect(payload.embeds?.first?.description?.contains("no longer exists") != true)
        try await harness.shutdown()
    }

    @Test func aRevokedKeyShowsStaleValuesNotTheLastLiveState() async throws {
        let harness = try await StatusHarness(servers: [Self.first])
        harness.setRunning(Self.first.id, cpu: 10, sample: 0)
        try await harness.updater.track(Self.first.id, in: StatusHarness.channel)
        harness.panel.revokeClientKey()
        harness.clock.advance(by: .seconds(61))  // past the server-list cache
        let report = await harness.tick()
        #expect(report.edited == 1)
        var payload = try #require(await harness.messageRequests.last).decodePayload(MessagePayload.self)
        var embed = try #require(payload.embeds?.first)
        #expect(embed.color == StatusEmbedBuilder.staleColor)
        #expect(embed.description?.contains("the panel refuses the bot's key") == true)
        // A forced refresh polls again and keeps saying so.
        await harness.updater.refresh(Self.first.id)
        payload = try #require(await harness.messageRequests.last).decodePayload(MessagePayload.self)
        embed = try #require(payload.embeds?.first)
        #expect(embed.description?.contains("the panel refuses the bot's key") == true)
        #expect(harness.logs.captured.contains { $0.contains("refuses the bot's key") })
        #expect(!harness.logs.captured.joined().contains(harness.panel.clientKey.exposedValue))
        try await harness.shutdown()
    }
}
