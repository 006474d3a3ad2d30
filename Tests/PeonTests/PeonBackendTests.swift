import Logging
import PanelCore
import Peon
import TestSupport
import Testing

@Suite struct PeonBackendTests {
    @Test func offersStartStopRestartWithoutNodesOrAddresses() async throws {
        try await withPeon { _, _, backend in
            #expect(backend.capabilities.powerSignals == [.start, .stop, .restart])
            #expect(!backend.capabilities.listsNodes)
            #expect(!backend.capabilities.hasAddresses)
            #expect(await panelFailure { _ = try await backend.nodes() }?.kind == .unsupported)
        }
    }

    @Test func listsServersByBareUID() async throws {
        try await withPeon { _, _, backend in
            let servers = try await backend.servers(forceRefresh: false)
            #expect(
                servers.map(\.id) == [
                    ServerID("valheim.server01"), ServerID("valheim.server02"), ServerID("vrising.castle"),
                ]
            )
            #expect(servers.map(\.name) == ["server01 (valheim)", "server02 (valheim)", "castle (vrising)"])
            #expect(servers[0].description == "Vikings")
            #expect(servers[2].description == nil)  // PEON's placeholder
            #expect(servers.allSatisfy { $0.allocations.isEmpty && $0.nodeName == nil && $0.listedState == nil })
            #expect(servers.allSatisfy { $0.gameHints == GameHints() })
            let details = try await backend.serverDetails(ServerID("valheim.server01"))
            #expect(details == servers[0])
        }
    }

    @Test func theListIsFetchedAtMostOnceAMinuteUnlessForced() async throws {
        let clock = ManualClock()
        try await withPeon(clock: clock) { fake, _, backend in
            _ = try await backend.servers(forceRefresh: false)
            clock.advance(by: .seconds(59))
            _ = try await backend.servers(forceRefresh: false)
            #expect(fake.requestCount(path: "/api/v1/servers") == 1)
            clock.advance(by: .seconds(1))
            fake.addServer(FakePeon.Server(gameUID: "zomboid", serverName: "z1"))
            let refreshed = try await backend.servers(forceRefresh: false)
            #expect(refreshed.count == 4)
            #expect(fake.requestCount(path: "/api/v1/servers") == 2)
            fake.removeServer("zomboid.z1")
            let cached = try await backend.servers(forceRefresh: false)
            #expect(cached.count == 4)
            let forced = try await backend.servers(forceRefresh: true)
            #expect(forced.count == 3)
            #expect(fake.requestCount(path: "/api/v1/servers") == 3)
        }
    }

    @Test func aFailedListingIsNotCached() async throws {
        try await withPeon { fake, _, backend in
            fake.failNext(.internalError)
            #expect(await panelFailure { _ = try await backend.servers(forceRefresh: false) }?.kind == .other)
            let servers = try await backend.servers(forceRefresh: false)
            #expect(servers.count == 3)
            #expect(fake.requestCount(path: "/api/v1/servers") == 2)
        }
    }

    @Test func usageMapsEachServerOnItsOwn() async throws {
        var unreadable = FakePeon.Server(gameUID: "valheim", serverName: "server03")
        unreadable.statsReadable = false
        var paused = FakePeon.Server(gameUID: "valheim", serverName: "server04", containerState: "paused")
        paused.statsReadable = false
        try await withPeon(servers: standardServers + [unreadable, paused]) { fake, _, backend in
            let ids =
                ["valheim.server01", "valheim.server02", "valheim.server03", "valheim.server04", "valheim.gone"]
                .map(ServerID.init) + [ServerID("../etc"), ServerID("valheim.server01")]
            let usage = try await backend.usage(of: ids)
            #expect(usage.count == 6)

            let running = try #require(try usage[ServerID("valheim.server01")]?.get())
            #expect(running.state == .running)
            #expect(running.unreported == [.disk, .uptime])
            #expect(abs(running.cpuAbsolute - 150) < 1e-6)

            let stopped = try #require(try usage[ServerID("valheim.server02")]?.get())
            #expect(stopped.state == .offline)
            #expect(stopped.rawState == "exited")
            #expect(stopped.unreported == [.cpu, .memory, .network, .disk, .uptime])

            let notAvailable = try #require(try usage[ServerID("valheim.server03")]?.get())
            #expect(notAvailable.state == .running)
            #expect(notAvailable.unreported == [.cpu, .memory, .network, .disk, .uptime])

            let frozen = try #require(try usage[ServerID("valheim.server04")]?.get())
            #expect(frozen.state == .offline)
            #expect(frozen.rawState == "paused")

            #expect(usage[ServerID("valheim.gone")]?.failure?.kind == .notFound)
            #expect(usage[ServerID("../etc")]?.failure?.kind == .rejected)
            // Duplicates are fetched once; the unsafe uid never leaves the bot.
            #expect(fake.requestCount(path: "/api/v1/server/stats/valheim.server01") == 1)
            #expect(fake.requests.allSatisfy { !$0.path.contains("etc") })
        }
    }

    @Test func usageStaysWithinTheConcurrencyBound() async throws {
        let servers = (1...8).map { FakePeon.Server(gameUID: "game", serverName: "s\($0)") }
        let configuration = PeonConfiguration(maxConcurrentRequests: 2)
        try await withPeon(servers: servers, configuration: configuration) { fake, _, backend in
            fake.holdRequests(true)
            async let usage = backend.usage(of: servers.map { ServerID($0.uid) })
            try await fake.waitForHeldRequests(count: 2)
            #expect(fake.peakConcurrency == 2)
            fake.holdRequests(false)
            let results = try await usage
            #expect(results.values.allSatisfy { (try? $0.get())?.state == .running })
            #expect(fake.peakConcurrency <= 2)
        }
    }

    @Test func oneFailureNeverAffectsTheOthers() async throws {
        try await withPeon { fake, _, backend in
            fake.failNext(.dropConnection, uid: "valheim.server02")
            fake.failNext(.internalError, uid: "vrising.castle")
            let usage = try await backend.usage(of: standardServers.map { ServerID($0.uid) })
            #expect((try? usage[ServerID("valheim.server01")]?.get())?.state == .running)
            #expect(usage[ServerID("valheim.server02")]?.failure?.kind == .panelUnreachable)
            #expect(usage[ServerID("vrising.castle")]?.failure?.kind == .other)
        }
    }

    @Test func powerChangesTheStateAndIsSentExactlyOnce() async throws {
        try await withPeon { fake, _, backend in
            try await backend.sendPower(.start, to: ServerID("valheim.server02"))
            #expect(fake.server("valheim.server02")?.containerState == "running")
            let usage = try await backend.usage(of: [ServerID("valheim.server02")])
            #expect((try? usage[ServerID("valheim.server02")]?.get())?.state == .running)

            fake.failNext(.internalError)
            let failure = await panelFailure { try await backend.sendPower(.restart, to: ServerID("valheim.server01")) }
            #expect(failure?.kind == .other)
            #expect(fake.requestCount(method: "PUT") == 2)  // the failed restart was not retried

            fake.failNext(.dropConnection)
            let dropped = await panelFailure { try await backend.sendPower(.stop, to: ServerID("valheim.server01")) }
            #expect(dropped?.kind == .panelUnreachable)
            #expect(fake.requestCount(method: "PUT") == 3)
        }
    }

    @Test func killAndUIDsWithoutAWarcampAreRefusedWithoutARequest() async throws {
        try await withPeon { fake, _, backend in
            let kill = await panelFailure { try await backend.sendPower(.kill, to: ServerID("valheim.server01")) }
            #expect(kill?.kind == .unsupported)
            let bare = await panelFailure { try await backend.sendPower(.stop, to: ServerID("valheim")) }
            #expect(bare?.kind == .rejected)
            let slash = await panelFailure { try await backend.sendPower(.stop, to: ServerID("valheim/x.y")) }
            #expect(slash?.kind == .rejected)
            #expect(fake.requests.isEmpty)
        }
    }

    @Test func errorsMapToPanelFailuresWithoutSecrets() async throws {
        let wrongKey = "wrong-key-for-peon-31415926"
        let capture = LevelLogCapture()
        var details: [String] = []
        try await withPeon(key: wrongKey, logger: capture.logger()) { _, _, backend in
            let refused = await panelFailure { _ = try await backend.servers(forceRefresh: true) }
            #expect(refused?.kind == .keyRefused)
            let usage = try await backend.usage(of: [ServerID("valheim.server01")])
            #expect(usage[ServerID("valheim.server01")]?.failure?.kind == .keyRefused)
            details += [refused?.detail, usage.values.first?.failure?.detail].compactMap { $0 }
        }
        try await withPeon(logger: capture.logger()) { fake, _, backend in
            let missing = await panelFailure { _ = try await backend.serverDetails(ServerID("valheim.gone")) }
            #expect(missing?.kind == .notFound)
            #expect(missing?.detail.contains("There was an issue getting the server.") == true)
            fake.failNext(.rejected(info: "Could not complete the requested action for [valheim.server01]."))
            let rejected = await panelFailure { try await backend.sendPower(.stop, to: ServerID("valheim.server01")) }
            #expect(rejected?.kind == .rejected)
            try await fake.setOutage(.internalError)
            let down = await panelFailure { _ = try await backend.servers(forceRefresh: true) }
            #expect(down?.kind == .other)
            details += [missing?.detail, rejected?.detail, down?.detail].compactMap { $0 }
        }
        #expect(details.count == 5)
        for text in details + capture.all {
            #expect(!text.contains(wrongKey))
            #expect(!text.contains(FakePeon.defaultKey))
            #expect(!text.contains(FakePeon.configSecret))
        }
    }

    @Test func aDownOrchestratorIsUnreachable() async throws {
        try await withPeon(connectTimeout: .milliseconds(500)) { fake, _, backend in
            try await fake.setOutage(.refused)
            let failure = await panelFailure { _ = try await backend.servers(forceRefresh: true) }
            #expect(failure?.kind == .panelUnreachable)
            #expect(failure?.derivedState == .panelUnreachable)
            let usage = try await backend.usage(of: [ServerID("valheim.server01")])
            #expect(usage[ServerID("valheim.server01")]?.failure?.kind == .panelUnreachable)
        }
    }

    @Test func cancellationIsNotAFailure() async throws {
        try await withPeon { fake, _, backend in
            fake.holdRequests(true)
            let task = Task { try await backend.usage(of: [ServerID("valheim.server01")]) }
            try await fake.waitForHeldRequests(count: 1)
            task.cancel()
            let outcome = await task.result
            #expect(throws: CancellationError.self) { try outcome.get() }
            fake.holdRequests(false)
        }
    }
}
