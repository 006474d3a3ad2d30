import DiscordModels
import Foundation
import PanelCore
import Pterodactyl
import TestSupport
import Testing

@testable import StatusBot

/// The nodes board end to end: `/nodes` through the feature, then the monitor's cycles against the loopback
/// fakes of the panel and Discord.
@Suite struct NodesBoardEndToEndTests {
    static let nodes = [FakePanel.Node(id: 1, name: "Node 1"), FakePanel.Node(id: 2, name: "Node 2")]
    static let servers = [FakePanel.Server.numbered(1, nodeID: 1), .numbered(2, nodeID: 1), .numbered(3, nodeID: 2)]

    func cycle(_ harness: StatusHarness) async {
        harness.clock.advance(by: .seconds(10))
        await harness.tick()
    }

    func board(_ harness: StatusHarness) async throws -> Message {
        let location = try #require(await harness.operations.nodesBoard.location)
        return try #require(await harness.discord.message(location.messageID, in: location.channelID))
    }

    @Test func nodesPostsALiveBoardThatTurnsRedWhenANodeGoesDown() async throws {
        let harness = try await StatusHarness(servers: Self.servers, nodes: Self.nodes)
        for (index, server) in Self.servers.enumerated() { harness.setRunning(server.id, cpu: 10, sample: index) }
        let reply = await NodesBoardFeature(updater: harness.operations.nodesBoard)
            .answer(InteractionFixture.command(NodesBoardFeature.commandName))
        #expect(reply.payload.content == "Posted the nodes board here; it stays up to date.")
        #expect(try await board(harness).embeds.first?.fields?.map(\.name).contains { $0.contains("Node 2") } == true)

        await cycle(harness)
        #expect(try await board(harness).embeds.first?.color == NodesBoardBuilder.healthyColor)
        let edits = await harness.messageRequests.count { $0.method == "PATCH" }

        // Nothing shown changed: no edit.
        await cycle(harness)
        #expect(await harness.messageRequests.count { $0.method == "PATCH" } == edits)

        harness.panel.updateNode(2) { $0.wingsReachable = false }
        await cycle(harness)
        #expect(try await board(harness).embeds.first?.color == NodesBoardBuilder.downColor)
        try await harness.shutdown()
    }

    @Test func theBoardSurvivesARestartAndPurgeRemovesIt() async throws {
        let harness = try await StatusHarness(servers: Self.servers, nodes: Self.nodes)
        for (index, server) in Self.servers.enumerated() { harness.setRunning(server.id, cpu: 10, sample: index) }
        _ = try await harness.operations.nodesBoard.post(in: StatusHarness.channel)
        try await harness.shutdown(keepFakes: true)

        let restarted = try await StatusHarness(servers: [], nodes: Self.nodes, restartOf: harness)
        let location = try #require(await restarted.operations.nodesBoard.location)
        restarted.panel.updateNode(1) { $0.wingsReachable = false }
        await cycle(restarted)
        #expect(try await board(restarted).embeds.first?.color == NodesBoardBuilder.downColor)

        let purged = await NodesBoardFeature(updater: restarted.operations.nodesBoard).purge()
        #expect(purged.deleted == 1)
        #expect(await restarted.discord.message(location.messageID, in: location.channelID) == nil)
        #expect(await restarted.operations.nodesBoard.location == nil)
        try await restarted.shutdown()
    }

    @Test func aDeletedBoardIsForgottenNotRecreated() async throws {
        let harness = try await StatusHarness(servers: Self.servers, nodes: Self.nodes)
        let posted = try await harness.operations.nodesBoard.post(in: StatusHarness.channel)
        await harness.discord.deleteMessage(posted.message, in: StatusHarness.channel)
        harness.panel.updateNode(1) { $0.wingsReachable = false }
        await cycle(harness)
        #expect(await harness.operations.nodesBoard.location == nil)
        #expect(await harness.discord.messages(in: StatusHarness.channel).isEmpty)
        try await harness.shutdown()
    }
}
