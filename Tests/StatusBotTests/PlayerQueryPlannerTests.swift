import GameQuery
import PanelCore
import TestSupport
import Testing

@testable import StatusBot

@Suite struct PlayerQueryPlannerTests {
    private func server(
        image: String?,
        variables: [String: String] = [:],
        ip: String = "203.0.113.10",
        alias: String? = nil
    )
        -> GameServer
    {
        var server = FakePanelBackend.server(1)
        server.allocations = [
            ServerAllocation(id: 1, ip: ip, alias: alias, port: 25565, isDefault: true),
            ServerAllocation(id: 2, ip: ip, alias: alias, port: 27016, isDefault: false),
        ]
        server.gameHints = GameHints(image: image, startupVariables: variables)
        return server
    }

    @Test func wellKnownImagesPickTheirProtocolAtThePrimaryAllocation() {
        let java = PlayerQueryPlanner.target(for: server(image: "ghcr.io/pterodactyl/yolks:java_21"))
        #expect(java == GameQueryTarget(.java, host: "203.0.113.10", port: 25565))
        let bedrock = PlayerQueryPlanner.target(for: server(image: "ghcr.io/parkervcp/yolks:bedrock"))
        #expect(bedrock?.queryProtocol == .bedrock)
        let aliased = PlayerQueryPlanner.target(
            for: server(image: "quay.io/pterodactyl/core:java", alias: "mc.example.com")
        )
        #expect(aliased?.host == "mc.example.com")
    }

    @Test func steamImagesAskA2SOnTheQueryPortWhenTheEggHasOne() {
        let withQueryPort = server(image: "ghcr.io/parkervcp/steamcmd:debian", variables: ["QUERY_PORT": "27016"])
        #expect(
            PlayerQueryPlanner.target(for: withQueryPort) == GameQueryTarget(.a2s, host: "203.0.113.10", port: 27016)
        )
        let source = server(image: "ghcr.io/pterodactyl/games:source", variables: ["SRCDS_APPID": "740"])
        #expect(PlayerQueryPlanner.target(for: source) == GameQueryTarget(.a2s, host: "203.0.113.10", port: 25565))
        let garbledPort = server(image: "ghcr.io/parkervcp/steamcmd:debian", variables: ["QUERY_PORT": "[hidden]"])
        #expect(PlayerQueryPlanner.target(for: garbledPort)?.port == 25565)
    }

    @Test func unknownGamesAndUnaddressableServersAreNotAsked() {
        #expect(PlayerQueryPlanner.target(for: server(image: "ghcr.io/parkervcp/yolks:nodejs_18")) == nil)
        #expect(PlayerQueryPlanner.target(for: server(image: nil)) == nil)
        #expect(
            PlayerQueryPlanner.target(for: server(image: "ghcr.io/pterodactyl/yolks:java_21", ip: "0.0.0.0")) == nil
        )
    }

    @Test func theAdminsChoiceWins() {
        let java = server(image: "ghcr.io/pterodactyl/yolks:java_21")
        #expect(PlayerQueryPlanner.target(for: java, override: PlayerQueryOverride.none) == nil)
        let elsewhere = PlayerQueryPlanner.target(
            for: server(image: "ghcr.io/parkervcp/yolks:nodejs_18", ip: "0.0.0.0"),
            override: .query(.a2s, host: "play.example.com", port: 27015)
        )
        #expect(elsewhere == GameQueryTarget(.a2s, host: "play.example.com", port: 27015))
        let portOnly = PlayerQueryPlanner.target(for: java, override: .query(.bedrock, host: nil, port: 19132))
        #expect(portOnly == GameQueryTarget(.bedrock, host: "203.0.113.10", port: 19132))
    }
}
