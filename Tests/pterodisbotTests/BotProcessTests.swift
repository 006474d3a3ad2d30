import DiscordModels
import Foundation
import PanelCore
import Pterodactyl
import StatusBot
import Synchronization
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
        // Told by Foundation's own thread when the child ends: no thread of the shared pools blocks waiting for
        // it (a pool thread parked in `waitUntilExit()` for seconds starves the test run's tasks).
        let (exits, exited) = AsyncStream.makeStream(of: Int32.self, bufferingPolicy: .bufferingNewest(1))
        process.terminationHandler = { ended in
            exited.yield(ended.terminationStatus)
            exited.finish()
        }
        try process.run()
        exitStatuses.withLock { $0[process.processIdentifier] = exits }
        return (process, output)
    }

    /// The exit status of each launched child, reported once it ends.
    private static let exitStatuses = Mutex<[Int32: AsyncStream<Int32>]>([:])

    /// The child's exit status. If the test is cancelled (it ran out of time), the child is killed, so a bot
    /// that does not stop fails the test instead of hanging the whole run.
    static func waitForExit(_ process: Process) async -> Int32 {
        let pid = process.processIdentifier
        guard let exits = exitStatuses.withLock({ $0.removeValue(forKey: pid) }) else { return -1 }
        return await withTaskCancellationHandler {
            for await status in exits { return status }
            return -1
        } onCancel: {
            kill(pid, SIGKILL)
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

    @Test func healthcheckFailsWithoutAHealthFile() async throws {
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
        #expect(text.contains("no health file"))
    }

    /// The fakes a running bot talks to, with the environment that points the bot at them.
    struct Fakes {
        let server = FakePanel.Server.numbered(1, name: "Valheim-01")
        let panel: FakePanel
        let gateway: FakeGatewayServer
        let discord: FakeDiscordREST
        let environment: [String: String]

        /// Starts the fakes and writes a store that tracks one message, already known to the fake Discord.
        static func start(folder: String) async throws -> Fakes {
            let server = FakePanel.Server.numbered(1, name: "Valheim-01")
            let panel = try await FakePanel.start(servers: [server])
            let gateway = try await FakeGatewayServer.start(configuration: .init(heartbeatInterval: .seconds(5)))
            let discord = try await FakeDiscordREST.start(
                configuration: FakeDiscordRESTConfiguration(
                    expectedToken: BotProcessTests.token,
                    gatewayURL: gateway.url
                )
            )
            await discord.seedMessage(
                Message(id: BotProcessTests.message, channelID: BotProcessTests.channel, content: "old status")
            )
            let store =
                #"{"\#(server.id.rawValue)": {"channel_id": "\#(BotProcessTests.channel)", "message_id": "\#(BotProcessTests.message)"}}"#
            try store.write(toFile: folder + "/embed/embed_locations.json", atomically: true, encoding: .utf8)
            let environment = [
                "PTERODACTYL_PANEL_URL": panel.baseURL,
                "PTERODACTYL_CLIENT_API_KEY": panel.clientKey.exposedValue,
                "PTERODACTYL_APPLICATION_API_KEY": panel.applicationKey.exposedValue,
                "DISCORD_TOKEN": BotProcessTests.token,
                "DISCORD_ALLOWED_GUILD_ID": BotProcessTests.guild,
                "DISCORD_ALLOWED_ROLES": "Game Admin",
                "DISCORD_API_BASE_URL": discord.baseURL,
                "BOT_UPDATE_INTERVAL": "1",
                "LOG_LEVEL": "trace",
            ]
            return Fakes(panel: panel, gateway: gateway, discord: discord, environment: environment)
        }

        /// Waits until the bot has edited its tracked message once: it is up and cycling.
        func waitForFirstEdit() async throws {
            let edits = try await discord.waitForRequests(count: 1, timeout: .seconds(60)) {
                $0.method == "PATCH" && $0.path.contains(BotProcessTests.message.rawValue)
            }
            #expect(edits.count >= 1)
        }

        func shutdown() async throws {
            try await discord.shutdown()
            try await gateway.shutdown()
            try await panel.shutdown()
        }
    }

    /// The whole bot: identifies on the gateway, registers commands, edits its tracked message on the first
    /// cycle, answers `/server_status`, writes a health file that passes `healthcheck`; SIGTERM then leaves a valid
    /// store and exits 0.
    @Test func runsAgainstTheFakesAndShutsDownCleanlyOnSIGTERM() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fakes = try await Fakes.start(folder: folder)
        let (gateway, discord, panel, server) = (fakes.gateway, fakes.discord, fakes.panel, fakes.server)
        let metricsPort = try await freeLoopbackPort()
        let alertsChannel = "310000000000000009"
        let environment = fakes.environment.merging([
            "BOT_METRICS_LISTEN": "127.0.0.1:\(metricsPort)", "ALERTS_CHANNEL_ID": alertsChannel,
        ]) { $1 }
        let (process, output) = try Self.launch(["run"], environment: environment, in: folder)

        let identify = try await gateway.waitForIdentify(timeout: .seconds(60))
        #expect(identify.intents == 1)
        // First check after start: the tracked message is edited in place.
        try await fakes.waitForFirstEdit()
        // Once the next cycle asks the panel, the first one has finished with every consumer (cycles never
        // overlap), so its metrics are recorded.
        let resources = "/api/client/servers/\(server.id.rawValue)/resources"
        try await panel.waitForRequests(
            count: panel.requestCount(path: resources) + 1,
            path: resources,
            timeout: .seconds(60)
        )
        // The probes: the server's usage is exported, and the bot is ready (READY, a cycle done, token accepted).
        let metrics = try await RawLoopbackClient.exchange(port: metricsPort, "GET /metrics HTTP/1.1\r\n\r\n")
        #expect(metrics.hasPrefix("HTTP/1.1 200 OK"))
        #expect(metrics.contains(#"pterodisbot_game_server_state{panel="default",server="\#(server.id.rawValue)""#))
        #expect(metrics.contains("pterodisbot_cycles_total"))
        let ready = try await RawLoopbackClient.exchange(port: metricsPort, "GET /readyz HTTP/1.1\r\n\r\n")
        #expect(ready.hasPrefix("HTTP/1.1 200 OK"), "readyz said: \(ready)")
        #expect(!metrics.contains(Self.token) && !metrics.contains(panel.clientKey.exposedValue))
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

        // The server crashes (no power action in its activity log): one alert in the alerts channel.
        panel.setState(.offline, for: server.id)
        let alerts = try await discord.waitForRequests(count: 1, timeout: .seconds(60)) {
            $0.method == "POST" && $0.path.hasSuffix("/channels/\(alertsChannel)/messages")
        }
        let alertBody = String(decoding: alerts.first?.payloadJSON ?? [], as: UTF8.self)
        #expect(alertBody.contains("Server stopped"), "alert: \(alertBody)")

        // The health check of a running bot that is READY with cycles on time passes, as Docker's HEALTHCHECK
        // runs it (the bot rewrites the health file every cycle, so it is fresh whenever the check reads it).
        let (check, checkOutput) = try Self.launch(["healthcheck"], environment: fakes.environment, in: folder)
        let checkStatus = await Self.waitForExit(check)
        let checkText = String(decoding: checkOutput.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(checkStatus == 0, "healthcheck said: \(checkText)")
        #expect(checkText.hasPrefix("ok: last cycle"))

        kill(process.processIdentifier, SIGTERM)
        let status = await Self.waitForExit(process)
        let log = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(status == 0, "exit status; log tail: \(log.suffix(2000))")
        let close = try await gateway.waitForClientClose(timeout: .seconds(10))
        #expect(close.code == 1000)
        let saved = try EmbedStoreFile(path: folder + "/embed/embed_locations.json").load()
        #expect(saved.movedCorruptFileTo == nil)
        #expect(saved.locations[server.id]?.messageID == Self.message)
        #expect(FileManager.default.fileExists(atPath: folder + "/embed/.heartbeat"))
        // The open alert and where its message is were saved for the next start.
        let savedAlerts = try String(contentsOfFile: folder + "/embed/alerts.json", encoding: .utf8)
        #expect(savedAlerts.contains("serverStopped"))
        // Secrets stay out of the log even at trace level.
        #expect(!log.contains(Self.token))
        #expect(!log.contains(panel.clientKey.exposedValue))
        #expect(!log.contains("interaction-token-secret-0123456789"))
        try await fakes.shutdown()
    }

    /// `pterodisbot reload` while the bot runs: a `[Panel:home]` added to `config.ini` is polled without a restart;
    /// a broken file sent by SIGHUP is refused with every error logged, and the bot keeps cycling.
    @Test func reloadAddsAPanelWithoutARestartAndRefusesABrokenFile() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fakes = try await Fakes.start(folder: folder)
        let peon = try await FakePeon.start(servers: [FakePeon.Server(gameUID: "valheim", serverName: "server01")])
        let (process, output) = try Self.launch(["run"], environment: fakes.environment, in: folder)
        let log = LogLines(output)
        try await fakes.waitForFirstEdit()
        // The health file, which names the bot's pid, is written when the first cycle ends.
        #expect(await log.waitForLine(containing: "cycle"))
        let resources = "/api/client/servers/\(fakes.server.id.rawValue)/resources"
        try await fakes.panel.waitForRequests(
            count: fakes.panel.requestCount(path: resources) + 1,
            path: resources,
            timeout: .seconds(60)
        )

        peon.holdRequests(true)
        let added = "[Panel:home]\nType = peon\nURL = \(peon.baseURL)\nAPIKey = \(peon.apiKey)\n"
        try added.write(toFile: folder + "/config.ini", atomically: true, encoding: .utf8)
        let (reload, reloadOutput) = try Self.launch(["reload"], environment: fakes.environment, in: folder)
        let reloadStatus = await Self.waitForExit(reload)
        let reloadText = String(decoding: reloadOutput.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(reloadStatus == 0, "reload said: \(reloadText)")
        #expect(await log.waitForLine(containing: "configuration reloaded: panels added: home"))
        // The added panel is asked for its servers (held here, then let through).
        try await peon.waitForHeldRequests(count: 1, timeout: .seconds(60))
        peon.holdRequests(false)

        // A broken file: the bot logs every error and keeps its configuration (and keeps cycling).
        try "[Panel:home]\nType = docker\n[Alerts]\nSustainFor = soon\n".write(
            toFile: folder + "/config.ini",
            atomically: true,
            encoding: .utf8
        )
        kill(process.processIdentifier, SIGHUP)
        #expect(await log.waitForLine(containing: "the configuration was not reloaded"))
        try await fakes.panel.waitForRequests(
            count: fakes.panel.requestCount(path: resources) + 1,
            path: resources,
            timeout: .seconds(60)
        )

        kill(process.processIdentifier, SIGTERM)
        let status = await Self.waitForExit(process)
        let text = await log.text()
        #expect(status == 0, "exit status; log tail: \(text.suffix(2000))")
        #expect(text.contains("[Panel:home] Type: 'docker' is not a panel type"))
        #expect(text.contains("[Alerts] SustainFor: 'soon'"))
        #expect(!text.contains(peon.apiKey))
        #expect(!text.contains(Self.token))
        try await peon.shutdown()
        try await fakes.shutdown()
    }

    /// `LiveStats = on`: the bot follows its server over the Wings websocket (Origin = the panel URL); a stop that
    /// only Wings reports (the panel still says running) reaches the status message; shutdown closes the socket.
    @Test func liveStatsFollowTheServerOverWingsAndCloseOnShutdown() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fakes = try await Fakes.start(folder: folder)
        let wings = try await FakeWings.start(configuration: FakeWings.Configuration(panelURL: fakes.panel.baseURL))
        fakes.panel.setWingsSocketBase(wings.baseURL)
        let uuid = fakes.server.uuid
        fakes.panel.setState(.running, for: fakes.server.id)
        wings.setStatus("running", for: uuid)
        let environment = fakes.environment.merging(["PTERODACTYL_LIVE_STATS": "on"]) { $1 }
        let (process, output) = try Self.launch(["run"], environment: environment, in: folder)
        let log = LogLines(output)

        try await wings.waitUntil("the bot authenticated on the socket", timeout: .seconds(60)) {
            $0.auths.contains { $0.accepted }
        }
        #expect(wings.records.upgrades.allSatisfy { $0.origins == [fakes.panel.baseURL] })
        wings.setStatus("offline", for: uuid)
        let offline = try await fakes.discord.waitForRequests(count: 1, timeout: .seconds(60)) {
            $0.method == "PATCH" && $0.path.contains(BotProcessTests.message.rawValue)
                && String(decoding: $0.payloadJSON ?? [], as: UTF8.self).contains("Offline")
        }
        #expect(offline.count == 1)

        kill(process.processIdentifier, SIGTERM)
        let status = await Self.waitForExit(process)
        let text = await log.text()
        #expect(status == 0, "exit status; log tail: \(text.suffix(2000))")
        try await wings.waitUntil("the socket closed", timeout: .seconds(10)) { $0.openConnections.isEmpty }
        #expect(!text.contains("fake-wings-jwt"))
        try await wings.shutdown()
        try await fakes.shutdown()
    }

    /// Discord cannot be reached at start (network not up yet): the bot keeps asking instead of exiting, and a
    /// SIGTERM meanwhile ends it cleanly with status 0.
    @Test func waitsForDiscordAtStartAndStopsCleanlyOnSIGTERM() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fakes = try await Fakes.start(folder: folder)
        await fakes.discord.failNext(.dropConnection, method: "GET", pathContains: "/gateway/bot", count: 1000)
        let (process, output) = try Self.launch(["run"], environment: fakes.environment, in: folder)
        let log = LogLines(output)

        try await fakes.discord.waitForRequests(count: 1, timeout: .seconds(60)) { $0.path.hasSuffix("/gateway/bot") }
        kill(process.processIdentifier, SIGTERM)
        let status = await Self.waitForExit(process)
        let text = await log.text()
        #expect(status == 0, "exit status; log tail: \(text.suffix(2000))")
        #expect(text.contains("stopped before connecting to Discord"))
        #expect(!text.contains(Self.token))
        try await fakes.shutdown()
    }

    /// While a cycle waits on a panel that does not answer, the first SIGTERM starts the graceful shutdown, which
    /// would wait for that cycle (up to 10 s); the second one exits at once with status 130, store intact.
    @Test func aSecondSignalExitsAtOnceWhileTheCycleInFlightHangs() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fakes = try await Fakes.start(folder: folder)
        let (process, output) = try Self.launch(["run"], environment: fakes.environment, in: folder)
        let log = LogLines(output)
        try await fakes.waitForFirstEdit()

        // The next cycle's panel requests hang, so the graceful shutdown cannot finish on its own.
        fakes.panel.failNext(.hang, times: 1000)
        try await fakes.panel.waitForHungRequests(count: 1, timeout: .seconds(60))
        kill(process.processIdentifier, SIGTERM)
        // Two SIGTERMs pending at once would merge into one: send the second after the bot took the first.
        #expect(await log.waitForLine(containing: "send it again to exit at once"))
        kill(process.processIdentifier, SIGTERM)

        let status = await Self.waitForExit(process)
        let text = await log.text()
        #expect(status == 130, "exit status; log tail: \(text.suffix(2000))")
        #expect(text.contains("second signal: exiting without waiting"))
        let saved = try EmbedStoreFile(path: folder + "/embed/embed_locations.json").load()
        #expect(saved.movedCorruptFileTo == nil)
        #expect(saved.locations[fakes.server.id]?.messageID == Self.message)
        try await fakes.shutdown()
    }

    /// A store the bot cannot read (here a directory at its path) is not an empty store: the bot exits 78 with
    /// the path and the fix, and posts nothing.
    @Test func unreadableStoreExits78NamingThePathAndPostsNothing() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fakes = try await Fakes.start(folder: folder)
        let storePath = folder + "/embed/embed_locations.json"
        try FileManager.default.removeItem(atPath: storePath)
        try FileManager.default.createDirectory(atPath: storePath, withIntermediateDirectories: false)
        let (process, output) = try Self.launch(["run"], environment: fakes.environment, in: folder)
        let log = LogLines(output)
        let status = await Self.waitForExit(process)
        let text = await log.text()
        #expect(status == 78, "exit status; log tail: \(text.suffix(2000))")
        #expect(text.contains("cannot read the embed store"))
        #expect(text.contains("embed/embed_locations.json"))
        #expect(text.contains("is a directory"))
        #expect(!text.contains(Self.token))
        #expect(await fakes.discord.requests.filter { $0.method == "POST" || $0.method == "PATCH" }.isEmpty)
        try await fakes.shutdown()
    }
}

/// The lines a child process writes, read as they come on a background thread.
final class LogLines: Sendable {
    private struct State {
        var received = ""
        var finished = false
        var waiters: [(needle: String, continuation: CheckedContinuation<Bool, Never>)] = []
    }
    private let state = Mutex(State())

    init(_ pipe: Pipe) {
        let handle = pipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            while true {
                let chunk = handle.availableData
                let ready = self.state.withLock { state in
                    state.received += String(decoding: chunk, as: UTF8.self)
                    state.finished = chunk.isEmpty
                    let received = state.received
                    let done = state.finished
                    let ready = state.waiters.filter { done || received.contains($0.needle) }
                    state.waiters.removeAll { done || received.contains($0.needle) }
                    return ready.map { ($0.continuation, received.contains($0.needle)) }
                }
                for (continuation, found) in ready { continuation.resume(returning: found) }
                if chunk.isEmpty { return }
            }
        }
    }

    /// True once the output contains `needle`; false if the process closes its output first.
    func waitForLine(containing needle: String) async -> Bool {
        await withCheckedContinuation { continuation in
            let answer = state.withLock { state -> Bool? in
                if state.received.contains(needle) { return true }
                if state.finished { return false }
                state.waiters.append((needle, continuation))
                return nil
            }
            if let answer { continuation.resume(returning: answer) }
        }
    }

    /// Everything the process wrote, once it closed its output.
    func text() async -> String {
        _ = await waitForLine(containing: "\u{0}")
        return state.withLock { $0.received }
    }
}

enum BotProcessError: Error {
    case executableNotFound
}
