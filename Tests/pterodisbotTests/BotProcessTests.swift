import DiscordModels
import Foundation
import Pterodactyl
import StatusBot
import TestSupport
import Testing

/// Runs the built `pterodisbot` executable as an admin would, against the loopback fakes of the panel and of
/// Discord's REST API and gateway. Waits on the fakes' records, never on wall-clock sleeps.
@Suite(.timeLimit(.minutes(2))) struct BotProcessTests {
    static let token = "MTEwMDAwMDAwMDAwMDAwMDAx.process.fake-token-for-tests-0123456789"
    static let guild = "400000000000000001"
    static let channel: ChannelID = "300000000000000001"
    static let message: MessageID = "500000000000000001"

    /// The executable next to the test bundle (SwiftPM builds it because this target depends on it).
    static func executable() throws -> String {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("pterodisbot").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let fallback = root.appendingPathComponent(".build/debug/pterodisbot").path
        guard FileManager.default.isExecutableFile(atPath: fallback) else {
            throw BotProcessError.executableNotFound
        }
        return fallback
    }

    static func temporaryFolder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bot-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/embed", withIntermediateDirectories: true)
        return folder
    }

    static func launch(_ arguments: [String], environment: [String: String], in folder: String) throws -> (
        Process, Pipe
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try executable())
        process.arguments = arguments
        process.environment = environment.merging(["PATH": "/usr/bin:/bin"]) { $1 }
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        return (process, output)
    }

    static func waitForExit(_ process: Process) async -> Int32 {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                process.waitUntilExit()
                continuation.resume(returning: process.terminationStatus)
            }
        }
    }

    @Test func checkConfigOnTheExampleListsEveryPlaceholderAndExits78() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let (process, output) = try Self.launch(
            ["check-config", "--config", root.appendingPathComponent("config.ini.example").path],
            environment: [:],
            in: folder
        )
        let status = await Self.waitForExit(process)
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(status == 78)
        for key in ["PanelURL", "ClientAPIKey", "ApplicationAPIKey", "Token", "AllowedGuildID", "AllowedRoles"] {
            #expect(text.contains("\(key): still the example's placeholder"), "\(key) not reported")
        }
    }

    @Test func noConfigurationPointsAtTheExample() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (process, output) = try Self.launch(["run"], environment: [:], in: folder)
        let status = await Self.waitForExit(process)
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(status == 78)
        #expect(text.contains("cp config.ini.example config.ini"))
    }

    @Test func healthcheckFailsWithoutAHeartbeat() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (process, output) = try Self.launch(
            ["healthcheck"],
            environment: [
                "PTERODACTYL_PANEL_URL": "http://127.0.0.1:9",
                "PTERODACTYL_CLIENT_API_KEY": "ptlc_" + String(repeating: "a", count: 43),
            ],
            in: folder
        )
        let status = await Self.waitForExit(process)
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(status == 1)
        #expect(text.contains("no heartbeat file"))
    }

    /// The whole bot: identifies on the gateway, registers commands, edits its tracked message on the first
    /// cycle, answers `/server_status`, writes the heartbeat; SIGTERM then leaves a valid store and exits 0.
    @Test func runsAgainstTheFakesAndShutsDownCleanlyOnSIGTERM() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = FakePanel.Server.numbered(1, name: "Valheim-01")
        let panel = try await FakePanel.start(servers: [server])
        let gateway = try await FakeGatewayServer.start(configuration: .init(heartbeatInterval: .seconds(5)))
        let discord = try await FakeDiscordREST.start(
            configuration: FakeDiscordRESTConfiguration(expectedToken: Self.token, gatewayURL: gateway.url)
        )
        await discord.seedMessage(Message(id: Self.message, channelID: Self.channel, content: "old status"))
        let store = #"{"\#(server.id.rawValue)": {"channel_id": "\#(Self.channel)", "message_id": "\#(Self.message)"}}"#
        try store.write(toFile: folder + "/embed/embed_locations.json", atomically: true, encoding: .utf8)

        let environment = [
            "PTERODACTYL_PANEL_URL": panel.baseURL,
            "PTERODACTYL_CLIENT_API_KEY": panel.clientKey.exposedValue,
            "PTERODACTYL_APPLICATION_API_KEY": panel.applicationKey.exposedValue,
            "DISCORD_TOKEN": Self.token,
            "DISCORD_ALLOWED_GUILD_ID": Self.guild,
            "DISCORD_ALLOWED_ROLES": "Game Admin",
            "DISCORD_API_BASE_URL": discord.baseURL,
            "BOT_UPDATE_INTERVAL": "1",
            "LOG_LEVEL": "trace",
        ]
        let (process, output) = try Self.launch(["run"], environment: environment, in: folder)

        let identify = try await gateway.waitForIdentify(timeout: .seconds(60))
        #expect(identify.intents == 1)
        // First check after start: the tracked message is edited in place.
        let edits = try await discord.waitForRequests(count: 1, timeout: .seconds(60)) {
            $0.method == "PATCH" && $0.path.contains(Self.message.rawValue)
        }
        #expect(edits.count >= 1)
        // A member with the allowed role (known by name from GUILD_CREATE) asks for /server_status.
        _ = try gateway.dispatch(
            "GUILD_CREATE",
            data:
                #"{"id":"\#(Self.guild)","name":"Test","roles":[{"id":"600000000000000001","name":"Game Admin","permissions":"0","position":1,"color":0,"hoist":false,"managed":false,"mentionable":false}]}"#
        )
        _ = try gateway.dispatch(
            "INTERACTION_CREATE",
            data:
                #"{"id":"700000000000000001","application_id":"300","type":2,"token":"interaction-token-secret-0123456789","version":1,"guild_id":"\#(Self.guild)","channel_id":"\#(Self.channel)","member":{"user":{"id":"800000000000000001","username":"admin"},"roles":["600000000000000001"],"permissions":"0"},"data":{"id":"900000000000000001","name":"server_status","type":1}}"#
        )
        let callbacks = try await discord.waitForRequests(count: 1, timeout: .seconds(60)) {
            $0.path.contains("/interactions/700000000000000001/")
        }
        #expect(callbacks.count == 1)

        kill(process.processIdentifier, SIGTERM)
        let status = await Self.waitForExit(process)
        let log = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(status == 0, "exit status; log tail: \(log.suffix(2000))")
        let close = try await gateway.waitForClientClose(timeout: .seconds(10))
        #expect(close.code == 1000)
        let saved = EmbedStoreFile(path: folder + "/embed/embed_locations.json").load()
        #expect(saved.movedCorruptFileTo == nil)
        #expect(saved.locations[server.id]?.messageID == Self.message)
        #expect(FileManager.default.fileExists(atPath: folder + "/embed/.heartbeat"))
        // Secrets stay out of the log even at trace level.
        #expect(!log.contains(Self.token))
        #expect(!log.contains(panel.clientKey.exposedValue))
        #expect(!log.contains("interaction-token-secret-0123456789"))

        try await discord.shutdown()
        try await gateway.shutdown()
        try await panel.shutdown()
    }
}

enum BotProcessError: Error {
    case executableNotFound
}
