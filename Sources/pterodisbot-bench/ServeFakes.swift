import DiscordModels
// FileHandle is in Foundation proper, not in FoundationEssentials.
import Foundation
import PanelCore
import Pterodactyl
import StatusBot
import TestSupport

/// The argument that makes the bench binary serve loopback fakes of a panel and of Discord for
/// `scripts/docker-smoke.sh`, which runs the bot's image against them.
let serveFakesArgument = "--serve-fakes"

/// Serves the fakes of a panel and of Discord's REST API and gateway on 127.0.0.1 and plays an admin who asks for
/// a status message, then keeps serving for `seconds` and returns, so a forgotten runner ends by itself.
///
/// Standard output carries `KEY=VALUE` lines, the environment that points the bot at the fakes (a Docker
/// `--env-file`), then one `smoke: …` line per step: IDENTIFY answered with READY, `/server_status` answered, a
/// server picked and its status message posted. Tokens here are fakes', known only to the fakes.
/// - Parameter seconds: How long to serve after the status message was posted.
/// - Throws: When a fake cannot start, or the bot does not get as far as the next step in time.
func serveFakes(seconds: Int) async throws {
    let guild: GuildID = "400000000000000001"
    let channel: ChannelID = "300000000000000001"
    let role: RoleID = "600000000000000001"
    let token = "MTEwMDAwMDAwMDAwMDAwMDAx.smoke.fake-token-for-the-docker-smoke-test"
    let server = FakePanel.Server.numbered(1, name: "Valheim-01")
    let panel = try await FakePanel.start(servers: [server, .numbered(2, name: "Factorio-02")])
    let gateway = try await FakeGatewayServer.start(configuration: .init(heartbeatInterval: .seconds(41)))
    let configuration = FakeDiscordRESTConfiguration(expectedToken: token, gatewayURL: gateway.url)
    let discord = try await FakeDiscordREST.start(configuration: configuration)

    say(
        """
        PTERODACTYL_PANEL_URL=\(panel.baseURL)
        PTERODACTYL_CLIENT_API_KEY=\(panel.clientKey.exposedValue)
        PTERODACTYL_APPLICATION_API_KEY=\(panel.applicationKey.exposedValue)
        DISCORD_TOKEN=\(token)
        DISCORD_ALLOWED_GUILD_ID=\(guild)
        DISCORD_ALLOWED_ROLES=Game Admin
        DISCORD_API_BASE_URL=\(discord.baseURL)
        smoke: fakes listening on 127.0.0.1
        """
    )

    let identify = try await gateway.waitForIdentify(timeout: .seconds(300))
    // The fake records IDENTIFY before it opens the session, so events wait for the bot's answer to READY: it
    // registers its slash commands in the configured guild.
    try await discord.waitForRequests(count: 1, timeout: .seconds(60)) {
        $0.method == "PUT" && $0.path.hasSuffix("/guilds/\(guild)/commands")
    }
    say("smoke: gateway answered IDENTIFY (intents \(identify.intents)) with READY; slash commands registered")

    // An admin in the guild (the role is known by name from GUILD_CREATE) asks for /server_status, then picks a
    // server in the private picker: the bot posts that server's status message in the channel.
    let admin = GuildMember(user: User(id: "800000000000000001", username: "admin"), roles: [role])
    let roles = [Role(id: role, name: "Game Admin")]
    _ = try gateway.dispatch("GUILD_CREATE", data: try json(Guild(id: guild, name: "Smoke", roles: roles)))
    let command = Interaction(
        id: "700000000000000001",
        applicationID: configuration.applicationID,
        type: .applicationCommand,
        token: Secret("smoke-interaction-token-1"),
        data: .applicationCommand(ApplicationCommandData(name: "server_status")),
        guildID: guild,
        channelID: channel,
        member: admin
    )
    _ = try gateway.dispatch("INTERACTION_CREATE", data: try json(command))
    try await discord.waitForRequests(count: 1, timeout: .seconds(60)) {
        $0.path.contains("/interactions/\(command.id)/")
    }
    say("smoke: /server_status answered with the server picker")

    let pick = Interaction(
        id: "700000000000000002",
        applicationID: configuration.applicationID,
        type: .messageComponent,
        token: Secret("smoke-interaction-token-2"),
        data: .messageComponent(
            MessageComponentData(
                customID: ServerPicker.ComponentID.select(page: 0).customID,
                componentType: .stringSelect,
                values: [server.id.rawValue]
            )
        ),
        guildID: guild,
        channelID: channel,
        member: admin,
        message: Message(id: "500000000000000009", channelID: channel)
    )
    _ = try gateway.dispatch("INTERACTION_CREATE", data: try json(pick))
    let posts = try await discord.waitForRequests(count: 1, timeout: .seconds(60)) {
        $0.method == "POST" && $0.path == "/channels/\(channel)/messages"
    }
    say("smoke: status message posted: POST /channels/\(channel)/messages answered \(posts[0].status)")

    try await Task.sleep(for: .seconds(seconds))
    try await discord.shutdown()
    try await gateway.shutdown()
    try await panel.shutdown()
}

/// Writes a line at once: a pipe would otherwise hold `print`'s buffer until exit.
private func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

private func json(_ value: some Encodable) throws -> String {
    String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
}
