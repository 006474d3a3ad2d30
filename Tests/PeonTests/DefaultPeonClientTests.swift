import Logging
import PanelCore
import Peon
import TestSupport
import Testing

@Suite struct DefaultPeonClientTests {
    private func uid(_ text: String) throws -> PeonServerUID { try PeonServerUID(validating: text) }

    @Test func listsServersUnderThePrefixWithTheKeyHeader() async throws {
        try await withPeon { fake, client, _ in
            let servers = try await client.servers()
            #expect(servers.map(\.uid) == ["valheim.server01", "valheim.server02", "vrising.castle"])
            #expect(servers[0].containerType == "game")
            #expect(servers[1].containerType == "unknown")
            let request = try #require(fake.requests.first)
            #expect(request.method == "GET")
            #expect(request.path == "/api/v1/servers")
            #expect(request.keyAccepted)
            #expect(request.headers["x-api-key"] == "<redacted>")
            #expect(request.headers["accept"] == "application/json")
        }
    }

    @Test func aPreJune2023ReleaseServesOnePointZeroWithoutTypeVersionOrOrchestrator() async throws {
        try await withPeon(era: .legacy, configuration: PeonConfiguration(apiPrefix: "1.0")) { fake, client, _ in
            let servers = try await client.servers()
            #expect(servers.count == 3)
            #expect(servers.allSatisfy { $0.containerType == nil && $0.buildVersion == nil })
            let version = try await client.orchestratorVersion()
            #expect(version == nil)
            #expect(fake.requests.map(\.path) == ["/api/1.0/servers", "/api/1.0/orchestrator"])
        }
    }

    @Test func aCurrentReleaseReportsItsVersion() async throws {
        try await withPeon { _, client, _ in
            let version = try await client.orchestratorVersion()
            #expect(version == FakePeon.version)
        }
    }

    @Test func cpuComesFromCountersThatMoveBetweenReads() async throws {
        try await withPeon { fake, client, _ in
            let id = try uid("valheim.server01")
            let first = try await client.stats(of: id)
            let second = try await client.stats(of: id)
            guard case .docker(let one) = first.stats, case .docker(let two) = second.stats else {
                Issue.record("expected Docker stats")
                return
            }
            #expect(one.cpu?.totalUsage != two.cpu?.totalUsage)
            #expect(two.precpu?.totalUsage == one.cpu?.totalUsage)
            #expect(abs((PeonUsage.cpuAbsolute(two) ?? -1) - 150) < 1e-6)
            fake.update("valheim.server01") { $0.usage.busyCores = 0.25 }
            let third = PeonUsage.resources(of: try await client.stats(of: id))
            #expect(abs(third.cpuAbsolute - 25) < 1e-6)
            #expect(third.memoryBytes == 2_147_483_648 - 104_857_600)
            #expect(third.networkRxBytes == 123_456)
        }
    }

    @Test func oldDockerWithoutOnlineCPUsAndCgroupV1() async throws {
        var server = FakePeon.Server(gameUID: "ark", serverName: "island")
        server.usage = FakePeon.Usage(busyCores: 2, hostCPUs: 8, reportsOnlineCPUs: false, cgroup: .v1)
        try await withPeon(servers: [server]) { _, client, _ in
            let resources = PeonUsage.resources(of: try await client.stats(of: try uid("ark.island")))
            #expect(abs(resources.cpuAbsolute - 200) < 1e-6)
            #expect(resources.memoryBytes == 2_147_483_648 - 104_857_600)
        }
    }

    @Test func aFirstReadWithoutPrecpuLeavesTheCPUUnknown() async throws {
        var server = FakePeon.Server(gameUID: "ark", serverName: "island")
        server.usage.reportsPrecpu = false
        try await withPeon(servers: [server]) { _, client, _ in
            let resources = PeonUsage.resources(of: try await client.stats(of: try uid("ark.island")))
            #expect(!resources.reports(.cpu))
            #expect(resources.reports(.memory))
        }
    }

    @Test func powerChangesTheStateAndAnswersWithTheRefreshedObject() async throws {
        try await withPeon { fake, client, _ in
            let stopped = try await client.power(.stop, try uid("valheim.server01"))
            #expect(stopped.containerState == .exited)
            #expect(fake.server("valheim.server01")?.containerState == "exited")
            let started = try await client.power(.start, try uid("valheim.server02"))
            #expect(started.containerState == .running)
            #expect(started.containerType == "game")
            #expect(fake.requestCount(method: "PUT") == 2)
            #expect(fake.requestCount(method: "PUT", path: "/api/v1/server/stop/valheim.server01") == 1)
        }
    }

    @Test func aWrongKeyIsRefusedAndNeverPrinted() async throws {
        let wrongKey = "wrong-key-5f0e9a8d7c6b"
        try await withPeon(key: wrongKey) { fake, client, _ in
            let error = await peonError { _ = try await client.servers() }
            #expect(error == .keyRefused)
            #expect(error.map { !$0.description.contains(wrongKey) && !$0.description.contains(fake.apiKey) } == true)
            #expect(fake.requests.allSatisfy { !$0.keyAccepted })
        }
    }

    @Test func anUnknownServerIsNotFoundWithPeonsInfo() async throws {
        try await withPeon { _, client, _ in
            let error = await peonError { _ = try await client.server(try uid("valheim.gone")) }
            #expect(error == .notFound(info: "There was an issue getting the server."))
        }
    }

    @Test func aFailedActionCarriesInfoAndErrorCode() async throws {
        try await withPeon { fake, client, _ in
            let info = "Server [valheim.server01] is using one or more of the ports required by [valheim.server02]"
            fake.failNext(.rejected(info: info, errorCode: "srv.portsused"), uid: "valheim.server02")
            let error = await peonError { try await client.power(.start, try uid("valheim.server02")) }
            #expect(error == .rejected(status: 400, info: info, errorCode: "srv.portsused"))
            #expect(error?.description.contains("srv.portsused") == true)
            #expect(error?.description.contains("docker compose failed") == false)  // `exception` is not kept
        }
    }

    @Test func anInternalErrorIsAServerErrorInHTMLOrJSON() async throws {
        try await withPeon { fake, client, _ in
            fake.failNext(.internalError)
            #expect(await peonError { _ = try await client.servers() } == .serverError(status: 500))
            fake.failNext(.internalErrorJSON)
            #expect(await peonError { _ = try await client.servers() } == .serverError(status: 500))
        }
    }

    @Test func aWrongPrefixIsARouteProblemNotAMissingServer() async throws {
        try await withPeon(configuration: PeonConfiguration(apiPrefix: "/api/1.0")) { _, client, _ in
            let error = await peonError { _ = try await client.stats(of: try uid("valheim.server01")) }
            #expect(error == .routeNotFound(path: "/api/1.0/server/stats/valheim.server01"))
        }
    }

    @Test func unsafeUIDsAreRefusedBeforeAnyRequest() async throws {
        try await withPeon { fake, client, _ in
            let error = await peonError { try await client.power(.start, try uid("valheim")) }
            guard case .invalidServerUID? = error else {
                Issue.record("expected an invalid uid, got \(String(describing: error))")
                return
            }
            #expect(fake.requests.isEmpty)
        }
    }

    @Test func aDroppedConnectionIsUnreachableAndRecoveryWorks() async throws {
        try await withPeon { fake, client, _ in
            try await fake.setOutage(.dropsConnections)
            guard case .unreachable? = await peonError({ _ = try await client.servers() }) else {
                Issue.record("expected unreachable")
                return
            }
            try await fake.setOutage(nil)
            let servers = try await client.servers()
            #expect(servers.count == 3)
        }
    }

    @Test func aClosedPortIsUnreachable() async throws {
        try await withPeon(connectTimeout: .milliseconds(500)) { fake, client, _ in
            _ = try await client.servers()  // leaves a pooled connection, which the outage drops too
            try await fake.setOutage(.refused)
            for _ in 0..<2 {
                guard case .unreachable? = await peonError({ _ = try await client.servers() }) else {
                    Issue.record("expected unreachable")
                    return
                }
            }
        }
    }

    @Test func aPollThatOutlivesItsDeadlineTimesOut() async throws {
        let configuration = PeonConfiguration(pollTimeout: .milliseconds(200))
        try await withPeon(configuration: configuration) { fake, client, _ in
            fake.holdRequests(true)
            let error = await peonError { _ = try await client.servers() }
            #expect(error == .unreachable(reason: "timed out after 0.2 s"))
            fake.holdRequests(false)
        }
    }

    @Test func atMostThreeRequestsAreInFlight() async throws {
        let servers = (1...7).map { FakePeon.Server(gameUID: "game", serverName: "s\($0)") }
        try await withPeon(servers: servers) { fake, client, _ in
            fake.holdRequests(true)
            try await withThrowingTaskGroup(of: PeonServerStats.self) { group in
                for server in servers {
                    let id = try uid(server.uid)
                    group.addTask { try await client.stats(of: id) }
                }
                try await fake.waitForHeldRequests(count: 3)
                #expect(fake.peakConcurrency == 3)
                fake.holdRequests(false)
                var answers = 0
                for try await _ in group { answers += 1 }
                #expect(answers == 7)
            }
            #expect(fake.peakConcurrency <= 3)
            #expect(fake.requestCount() == 7)
        }
    }

    @Test func theKeyAndServerConfigNeverReachTheLogs() async throws {
        let capture = LevelLogCapture()
        try await withPeon(logger: capture.logger()) { fake, client, _ in
            _ = try await client.servers()
            _ = try await client.stats(of: try uid("valheim.server01"))
            fake.failNext(.internalError)
            _ = await peonError { _ = try await client.servers() }
            #expect(!capture.all.isEmpty)
            for line in capture.all {
                #expect(!line.contains(fake.apiKey))
                #expect(!line.contains(FakePeon.configSecret))
            }
        }
    }
}

@Suite struct FakePeonFidelityTests {
    private func exchange(_ fake: FakePeon, _ method: String, _ path: String, key: String?) async throws -> String {
        let header = key.map { "X-Api-Key: \($0)\r\n" } ?? ""
        return try await RawLoopbackClient.exchange(
            port: fake.port,
            "\(method) \(path) HTTP/1.1\r\nHost: peon.orc\r\n\(header)Content-Length: 0\r\nConnection: close\r\n\r\n"
        )
    }

    @Test func theAnswersOfTheReference() async throws {
        let fake = try await FakePeon.start(servers: standardServers)
        do {
            let unauthorized = try await exchange(fake, "GET", "/api/v1/servers", key: "nope")
            #expect(unauthorized.hasPrefix("HTTP/1.1 401"))
            #expect(unauthorized.hasSuffix("\r\n\r\n\"Not authorized\"\n"))
            let noWarcamp = try await exchange(fake, "PUT", "/api/v1/server/start/valheim", key: fake.apiKey)
            #expect(noWarcamp.hasPrefix("HTTP/1.1 400"))
            #expect(noWarcamp.contains("a warcamp name is required. You only provided [valheim]"))
            let unknownAction = try await exchange(
                fake,
                "PUT",
                "/api/v1/server/explode/valheim.server01",
                key: fake.apiKey
            )
            #expect(unknownAction.hasPrefix("HTTP/1.1 500"))
            #expect(unknownAction.lowercased().contains("content-type: text/html"))
            let missing = try await exchange(fake, "GET", "/api/v1/server/get/valheim.gone", key: fake.apiKey)
            #expect(missing.hasPrefix("HTTP/1.1 404"))
            #expect(missing.contains(#"{"status": "error", "info": "There was an issue getting the server."}"#))
            let unknownRoute = try await exchange(fake, "GET", "/api/v2/servers", key: nil)
            #expect(unknownRoute.hasPrefix("HTTP/1.1 404"))
            #expect(unknownRoute.contains("<title>404 Not Found</title>"))
            let object = try await exchange(fake, "GET", "/api/v1/server/get/valheim.server01", key: fake.apiKey)
            #expect(object.contains(FakePeon.configSecret))  // what the bot must never print
            #expect(fake.requests.allSatisfy { $0.headers["x-api-key"].map { $0 == "<redacted>" } ?? true })
        } catch {
            try await fake.shutdown()
            throw error
        }
        try await fake.shutdown()
    }

    @Test func notAvailableStatsForAnUnreadableContainer() async throws {
        var server = FakePeon.Server(gameUID: "valheim", serverName: "broken")
        server.statsReadable = false
        let fake = try await FakePeon.start(servers: [server])
        do {
            let answer = try await exchange(fake, "GET", "/api/v1/server/stats/valheim.broken", key: fake.apiKey)
            #expect(answer.contains(#""stats": "Not available""#))
        } catch {
            try await fake.shutdown()
            throw error
        }
        try await fake.shutdown()
    }
}
