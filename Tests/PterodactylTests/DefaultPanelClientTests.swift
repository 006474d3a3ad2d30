import ClientSupport
import PanelCore
import Pterodactyl
import Synchronization
import TestSupport
import Testing

@Suite struct DefaultPanelClientListTests {
    @Test func listsEveryServerAcrossThreePages() async throws {
        let servers = (1...250).map { FakePanel.Server.numbered($0) }
        try await withPanel(servers: servers) { fake, client in
            let listed = try await client.servers(forceRefresh: false)
            #expect(listed.count == 250)
            #expect(listed.map(\.id) == servers.map(\.id))
            let pages = fake.requests.filter { $0.path == "/api/client" }
            #expect(pages.map { $0.query["page"] } == ["1", "2", "3"])
            #expect(pages.allSatisfy { $0.query["per_page"] == "100" && $0.acceptsJSON && $0.keyKind == .client })
            // The list is cached until it is stale or a refresh is forced.
            _ = try await client.servers(forceRefresh: false)
            #expect(fake.requestCount(path: "/api/client") == 3)
            _ = try await client.servers(forceRefresh: true)
            #expect(fake.requestCount(path: "/api/client") == 6)
        }
    }

    @Test func serverListRefreshesOnScheduleAndWhenAnUnknownServerShowsUp() async throws {
        let clock = ManualClock()
        let configuration = PanelClientConfiguration(retryPolicy: .none, serverListRefreshInterval: .seconds(60))
        try await withPanel(servers: [.numbered(1)], configuration: configuration, clock: clock) { fake, client in
            _ = try await client.servers(forceRefresh: false)
            clock.advance(by: .seconds(59))
            _ = try await client.servers(forceRefresh: false)
            #expect(fake.requestCount(path: "/api/client") == 1)
            clock.advance(by: .seconds(1))
            _ = try await client.servers(forceRefresh: false)
            #expect(fake.requestCount(path: "/api/client") == 2)
            fake.addServer(.numbered(2))
            _ = try await client.resources(of: FakePanel.Server.numbered(2).id)
            let serverCount = try await client.servers(forceRefresh: false).count
            #expect(serverCount == 2)
            #expect(fake.requestCount(path: "/api/client") == 3)
        }
    }

    @Test func nodesWithTotalsAndAllocationsNeverTheConfiguration() async throws {
        var node = FakePanel.Node(id: 1, name: "Node 1", memoryMiB: 32768, diskMiB: 512_000)
        node.freeAllocations = [ServerAllocation(id: 900, ip: "203.0.113.10", port: 30000, isDefault: false)]
        try await withPanel(servers: [.numbered(1), .numbered(2)], nodes: [node]) { fake, client in
            let nodes = try await client.nodes()
            let first = try #require(nodes.first)
            #expect(first.memoryMiB == 32768)
            #expect(first.diskMiB == 512_000)
            #expect(first.allocatedMemoryMiB == 8192)
            #expect(first.allocatedDiskMiB == 40960)
            let allocations = try await client.allocations(ofNode: 1)
            #expect(allocations.filter(\.isAssigned).count == 2)
            #expect(allocations.filter { !$0.isAssigned }.map(\.port) == [30000])
            #expect(fake.requests.allSatisfy { !$0.path.hasSuffix("/configuration") })
        }
    }

    @Test func theBackendSummarizesNodesWithTheirFreeAllocations() async throws {
        var node = FakePanel.Node(id: 1, name: "Node 1", memoryMiB: 32768, diskMiB: 512_000)
        node.freeAllocations = [ServerAllocation(id: 900, ip: "203.0.113.10", port: 30000, isDefault: false)]
        try await withPanel(servers: [.numbered(1), .numbered(2)], nodes: [node]) { fake, client in
            let summary = try #require(try await PterodactylBackend(client: client).nodes().first)
            #expect(summary.id == "1")
            #expect(summary.memoryCapacityMiB == 32768)
            #expect(summary.memoryAllocatedMiB == 8192)
            #expect(summary.diskAllocatedMiB == 40960)
            #expect(summary.freeAllocations == 1)
            #expect(fake.requests.allSatisfy { !$0.path.hasSuffix("/configuration") })
        }
    }

    @Test func serverDetailsGiveAddressAndPorts() async throws {
        var server = FakePanel.Server.numbered(3)
        server.allocations = [
            ServerAllocation(id: 1, ip: "203.0.113.10", alias: "mc.example.com", port: 25565, isDefault: true),
            ServerAllocation(id: 2, ip: "203.0.113.10", port: 25575, isDefault: false),
        ]
        try await withPanel(servers: [server]) { _, client in
            let details = try await client.serverDetails(server.id)
            #expect(details.uuid == server.uuid)
            #expect(details.address == "mc.example.com:25565")
            #expect(details.additionalPorts == [25575])
            #expect(details.limits.memoryMiB == 4096)
            #expect(details.limits.cpuPercent == 200)
            #expect(details.nodeName == "Node 1")
        }
    }

    @Test func theListingCarriesTheImageAndTheStartupVariablesTheKeyMayRead() async throws {
        var steam = FakePanel.Server.numbered(1)
        steam.dockerImage = "ghcr.io/parkervcp/steamcmd:debian"
        steam.startupVariables = ["QUERY_PORT": "27016", "SRCDS_APPID": "896660"]
        var hidden = FakePanel.Server.numbered(2)
        hidden.startupVariables = nil  // a subuser without startup.read gets a null_resource
        try await withPanel(servers: [steam, hidden]) { _, client in
            let listed = try await client.servers(forceRefresh: true)
            #expect(listed[0].dockerImage == "ghcr.io/parkervcp/steamcmd:debian")
            #expect(listed[0].startupVariables == ["QUERY_PORT": "27016", "SRCDS_APPID": "896660"])
            #expect(listed[1].dockerImage == "ghcr.io/pterodactyl/yolks:java_21")
            #expect(listed[1].startupVariables.isEmpty)
            let neutral = GameServer(panel: listed[0])
            #expect(
                neutral.gameHints
                    == GameHints(image: steam.dockerImage, startupVariables: steam.startupVariables ?? [:])
            )
        }
    }

    @Test func unicodeAndVeryLongNamesArriveIntact() async throws {
        let names = [
            "Survival 🌍🔥 SMP", "שרת עברית", "zero\u{200B}width", "*bold* _x_ `code` @everyone <@123>",
            String(repeating: "长", count: 191), "slash/and\\back\"quote",
        ]
        let servers = names.enumerated().map { FakePanel.Server.numbered($0.offset + 1, name: $0.element) }
        try await withPanel(servers: servers) { _, client in
            let clientNames = try await client.servers(forceRefresh: false).map(\.name)
            #expect(clientNames == names)
        }
    }

    @Test func pelicanPanelsWorkUnchanged() async throws {
        var suspended = FakePanel.Server.numbered(2)
        suspended.status = "suspended"
        try await withPanel(servers: [.numbered(1), suspended], flavor: .pelican) { fake, client in
            #expect(fake.clientKey.kind == .client)
            #expect(fake.applicationKey.kind == .application)
            let listed = try await client.servers(forceRefresh: false)
            #expect(listed.map(\.status) == [.normal, .suspended])
            #expect(listed[1].conflictState == .suspended)
            let firstState = try await client.resources(of: listed[0].id).state
            #expect(firstState == .running)
        }
    }
}

@Suite struct DefaultPanelClientStateTests {
    @Test(arguments: [ServerState.running, .starting, .stopping, .offline])
    func powerStatesAndUnits(state: ServerState) async throws {
        let server = FakePanel.Server.numbered(1)
        try await withPanel(servers: [server]) { fake, client in
            let usage = ServerResources(
                state: state,
                memoryBytes: 5_000_000_000,
                cpuAbsolute: 250,
                diskBytes: 7_000_000_000,
                networkRxBytes: 11,
                networkTxBytes: 22,
                uptimeMilliseconds: 3_723_009
            )
            fake.setResources(usage, for: server.id)
            let resources = try await client.resources(of: server.id)
            #expect(resources == usage)
            #expect(resources.cpuCores == 2.5)
            #expect(resources.memoryBytes == 5_000_000_000)
        }
    }

    @Test func unknownCurrentStateCountsAsOffline() async throws {
        let server = FakePanel.Server.numbered(1)
        try await withPanel(servers: [server]) { fake, client in
            fake.update(server.id) { $0.powerState = "stopped" }
            let resources = try await client.resources(of: server.id)
            #expect(resources.state == .offline)
            #expect(resources.rawState == "stopped")
        }
    }

    @Test(arguments: [
        ServerState.suspended, .installing, .transferring, .restoringBackup, .nodeMaintenance, .nodeOffline, .removed,
    ])
    func errorsMapToDerivedStates(state: ServerState) async throws {
        let server = FakePanel.Server.numbered(1)
        let nodes = [FakePanel.Node(id: 1, name: "Node 1"), FakePanel.Node(id: 2, name: "Node 2")]
        try await withPanel(servers: [server, .numbered(2, nodeID: 2)], nodes: nodes) { fake, client in
            fake.setState(state, for: server.id)
            let error = await panelError { _ = try await client.resources(of: server.id) }
            #expect(error?.derivedState == state)
            // The others are unaffected.
            let otherState = try await client.resources(of: FakePanel.Server.numbered(2).id).state
            #expect(otherState == .running)
        }
    }

    @Test func knownConflictsFromTheListSpendNoRequest() async throws {
        let server = FakePanel.Server.numbered(1)
        try await withPanel(servers: [server]) { fake, client in
            fake.setState(.suspended, for: server.id)
            _ = try await client.servers(forceRefresh: false)
            let error = await panelError { _ = try await client.resources(of: server.id) }
            #expect(error?.derivedState == .suspended)
            #expect(fake.requestCount(path: "/api/client/servers/\(server.id)/resources") == 0)
        }
    }

    @Test func panelDownIsPanelUnreachable() async throws {
        let server = FakePanel.Server.numbered(1)
        try await withPanel(servers: [server]) { fake, client in
            fake.setState(.panelUnreachable, for: server.id)
            let error = await panelError { _ = try await client.resources(of: server.id) }
            #expect(error?.derivedState == .panelUnreachable)
        }
    }

    @Test func connectionRefusedIsPanelUnreachable() async throws {
        let gone = try await FakePanel.start()
        let url = gone.baseURL
        try await gone.shutdown()
        try await withPanelHTTPClient(connectTimeout: .milliseconds(300)) { http in
            let client = DefaultPanelClient(
                httpClient: http,
                baseURL: url,
                clientKey: PanelAPIKey("ptlc_0000000000000000000000000000000000000000000"),
                configuration: PanelClientConfiguration(retryPolicy: .none),
                clock: ManualClock()
            )
            let error = await panelError { _ = try await client.resources(of: ServerID("a0000001")) }
            #expect(error == .panelUnreachable(reason: "connection refused"))
            #expect(error?.derivedState == .panelUnreachable)
        }
    }

    @Test func timeoutIsPanelUnreachable() async throws {
        let server = FakePanel.Server.numbered(1)
        let configuration = PanelClientConfiguration(requestTimeout: .milliseconds(200), retryPolicy: .none)
        try await withPanel(servers: [server], configuration: configuration) { fake, client in
            fake.failNext(.hang, for: server.id)
            let error = await panelError { _ = try await client.resources(of: server.id) }
            #expect(error == .panelUnreachable(reason: "timed out"))
        }
    }

    @Test func proxyErrorPagesAndDroppedConnectionsArePanelUnreachable() async throws {
        let server = FakePanel.Server.numbered(1)
        try await withPanel(servers: [server]) { fake, client in
            fake.failNext(.htmlPage(status: 502), for: server.id)
            let proxy = await panelError { _ = try await client.resources(of: server.id) }
            #expect(
                proxy == .panelUnavailable(status: 502, detail: "no panel error body (the panel or its proxy failed)")
            )
            #expect(proxy?.derivedState == .panelUnreachable)
            fake.failNext(.dropConnection, for: server.id)
            let dropped = await panelError { _ = try await client.resources(of: server.id) }
            #expect(dropped?.derivedState == .panelUnreachable)
        }
    }

    @Test func malformedJSONIsATypedError() async throws {
        let server = FakePanel.Server.numbered(1)
        try await withPanel(servers: [server]) { fake, client in
            fake.failNext(.malformedJSON)
            let error = await panelError { _ = try await client.servers(forceRefresh: false) }
            guard case .malformedResponse(let detail) = error else {
                Issue.record("expected malformedResponse, got \(String(describing: error))")
                return
            }
            #expect(detail.contains("/api/client"))
            // The client keeps working afterwards.
            let countAfterwards = try await client.servers(forceRefresh: false).count
            #expect(countAfterwards == 1)
        }
    }
}

@Suite struct DefaultPanelClientKeyTests {
    @Test func rejectedKeysNameTheConfigKeyAndNeverTheSecret() async throws {
        let badClient = PanelAPIKey("ptlc_BadBadBad12SECRETSECRETSECRETSECRETSECRETwxyz")
        let badApplication = PanelAPIKey("ptla_BadBadBad12SECRETSECRETSECRETSECRETSECRETwxyz")
        try await withPanel(
            servers: [.numbered(1)],
            clientKey: { _ in badClient },
            applicationKey: { _ in badApplication }
        ) { _, client in
            let clientError = try #require(await panelError { _ = try await client.servers(forceRefresh: false) })
            #expect(clientError.description.hasPrefix("client key rejected (check [Pterodactyl] ClientAPIKey)"))
            let applicationError = try #require(await panelError { _ = try await client.nodes() })
            #expect(
                applicationError.description.hasPrefix(
                    "application key rejected (check [Pterodactyl] ApplicationAPIKey)"
                )
            )
            for error in [clientError, applicationError] {
                #expect(!"\(error)".contains("SECRET"))
                #expect(!String(reflecting: error).contains("SECRET"))
            }
        }
    }

    @Test func keysOfTheWrongKindAreDetected() async throws {
        try await withPanel(
            servers: [.numbered(1)],
            clientKey: { $0.applicationKey },
            applicationKey: { $0.clientKey }
        ) { _, client in
            let onClient = await panelError { _ = try await client.servers(forceRefresh: false) }
            guard case .wrongKeyKind(.client, let detail) = onClient else {
                Issue.record("expected wrongKeyKind(.client), got \(String(describing: onClient))")
                return
            }
            #expect(detail.contains("application API key"))
            let onApplication = await panelError { _ = try await client.nodes() }
            guard case .wrongKeyKind(.application, _) = onApplication else {
                Issue.record("expected wrongKeyKind(.application), got \(String(describing: onApplication))")
                return
            }
            #expect(onApplication?.description.contains("[Pterodactyl] ApplicationAPIKey") == true)
        }
    }

    @Test func redirectToLoginIsAnAuthenticationFailure() async throws {
        try await withPanel(servers: [.numbered(1)]) { fake, client in
            fake.failNext(.redirectToLogin)
            let error = await panelError { _ = try await client.servers(forceRefresh: false) }
            guard case .authenticationFailed(.client, _) = error else {
                Issue.record("expected authenticationFailed, got \(String(describing: error))")
                return
            }
        }
    }

    @Test func missingApplicationKeyIsReported() async throws {
        try await withPanel(servers: [.numbered(1)], applicationKey: { _ in nil }) { fake, client in
            #expect(await panelError { _ = try await client.nodes() } == .missingApplicationKey)
            #expect(fake.requestCount() == 0)
        }
    }
}

@Suite struct DefaultPanelClientBudgetTests {
    @Test func manyServersAreFetchedWithBoundedConcurrencyAndIsolatedFailures() async throws {
        let servers = (1...40).map { FakePanel.Server.numbered($0) }
        let configuration = PanelClientConfiguration(maxConcurrentRequests: 4, retryPolicy: .none)
        try await withPanel(servers: servers, latency: .milliseconds(20), configuration: configuration) {
            fake,
            client in
            fake.setState(.nodeOffline, for: servers[5].id)
            fake.failNext(.malformedJSON, for: servers[9].id)
            let ids = servers.map(\.id) + [servers[0].id]
            let results = try await client.resources(of: ids)
            #expect(results.count == 40)
            #expect(results[servers[5].id]?.serverState == .nodeOffline)
            guard case .failure(.malformedResponse) = results[servers[9].id] else {
                Issue.record("expected malformedResponse for server 10")
                return
            }
            #expect(results.values.filter { (try? $0.get()) != nil }.count == 38)
            #expect(fake.peakConcurrency <= 4)
            #expect(fake.peakConcurrency >= 2)
            #expect(fake.requestCount() == 40)
        }
    }

    @Test func retryAfterIsHonouredNeverEarlier() async throws {
        let clock = ManualClock()
        let server = FakePanel.Server.numbered(1)
        let configuration = PanelClientConfiguration(retryPolicy: RetryPolicy(maxAttempts: 3))
        try await withPanel(servers: [server], configuration: configuration, clock: clock) { fake, client in
            fake.failNext(.rateLimited(retryAfterSeconds: 7), for: server.id)
            async let resources = client.resources(of: server.id)
            await clock.waitForSleepers(count: 1)
            #expect(fake.requestCount() == 1)
            clock.advance(by: .milliseconds(6900))
            // Still parked: a wake-up before 7 s would have had to re-park with a new sleep.
            await clock.waitForSleepers(count: 1)
            #expect(fake.requestCount() == 1)
            clock.advance(by: .milliseconds(100))
            let stateAfterRetryAfter = try await resources.state
            #expect(stateAfterRetryAfter == .running)
            #expect(fake.requestCount() == 2)
        }
    }

    @Test func getsRetryWithBackoffButPowerIsSentOnce() async throws {
        let clock = ManualClock()
        let server = FakePanel.Server.numbered(1)
        let configuration = PanelClientConfiguration(
            retryPolicy: RetryPolicy(maxAttempts: 3, baseDelay: .seconds(1), maxDelay: .seconds(4))
        )
        try await withPanel(servers: [server], configuration: configuration, clock: clock) { fake, client in
            fake.failNext(.htmlPage(status: 503), for: server.id, times: 2)
            async let resources = client.resources(of: server.id)
            for _ in 0..<2 {
                await clock.waitForSleepers(count: 1)
                clock.advance(by: .seconds(4))
            }
            let stateAfterRetries = try await resources.state
            #expect(stateAfterRetries == .running)
            #expect(fake.requestCount() == 3)

            fake.failNext(.htmlPage(status: 502), for: server.id)
            let error = await panelError { try await client.sendPower(.restart, to: server.id) }
            #expect(error?.derivedState == .panelUnreachable)
            #expect(fake.requestCount(path: "/api/client/servers/\(server.id)/power") == 1)
            #expect(fake.powerSignals.isEmpty)

            try await client.sendPower(.stop, to: server.id)
            #expect(fake.powerSignals.map(\.1) == [.stop])
            let stateAfterStop = try await client.resources(of: server.id).state
            #expect(stateAfterStop == .offline)
        }
    }

    @Test func droppedConnectionsAreRetriedButTimeoutsAreNot() async throws {
        let clock = ManualClock()
        let server = FakePanel.Server.numbered(1)
        let configuration = PanelClientConfiguration(
            requestTimeout: .milliseconds(200),
            retryPolicy: RetryPolicy(maxAttempts: 3, baseDelay: .seconds(1))
        )
        try await withPanel(servers: [server], configuration: configuration, clock: clock) { fake, client in
            fake.failNext(.dropConnection, for: server.id)
            async let resources = client.resources(of: server.id)
            await clock.waitForSleepers(count: 1)
            clock.advance(by: .seconds(1))
            let state = try await resources.state
            #expect(state == .running)
            #expect(fake.requestCount() == 2)

            fake.resetCounters()
            fake.failNext(.hang, for: server.id)
            let error = await panelError { _ = try await client.resources(of: server.id) }
            #expect(error == .panelUnreachable(reason: PanelError.timedOutReason))
            #expect(fake.requestCount() == 1)
        }
    }

    @Test func steadyPollingNeverHitsTheRateLimit() async throws {
        let clock = ManualClock()
        let servers = (1...150).map { FakePanel.Server.numbered($0) }
        // One request in flight at a time, so the manual clock cannot run ahead of a request still on its way.
        let configuration = PanelClientConfiguration(
            clientRateLimitPerMinute: 60,
            maxConcurrentRequests: 1,
            retryPolicy: .none
        )
        try await withPanel(
            servers: servers,
            rateLimits: FakePanel.RateLimits(client: 60, application: 60),
            configuration: configuration,
            clock: clock
        ) { fake, client in
            let done = Atomic(false)
            let driver = Task {
                while !done.load(ordering: .acquiring) {
                    await clock.waitForSleepers(count: 1)
                    clock.advanceToNextDeadline()
                }
            }
            let results = try await client.resources(of: servers.map(\.id))
            done.store(true, ordering: .releasing)
            // Release the driver if it is waiting for a sleeper that will never come.
            let releaser = Task { try await clock.sleep(until: clock.now.advanced(by: .seconds(1_000_000))) }
            await driver.value
            releaser.cancel()
            #expect(results.count == 150)
            let failures = results.values.compactMap { result -> PanelError? in
                if case .failure(let error) = result { return error }
                return nil
            }
            #expect(failures.isEmpty, "\(failures.prefix(3))")
            // 150 requests at 60/minute need more than two minutes of (manual) time.
            #expect(clock.now.offset > .seconds(120))
            #expect(fake.requestCount() == 150)
        }
    }

    @Test func budgetWarningStatesTheNumbersWhenCyclesMustStretch() async throws {
        try await withPanel { _, client in
            #expect(client.budgetWarning(forServerCount: 100, interval: .seconds(30)) == nil)
            let warning = try #require(client.budgetWarning(forServerCount: 500, interval: .seconds(10)))
            #expect(warning.contains("500 servers"))
            #expect(warning.contains("every 10 s"))
            #expect(warning.contains("ClientRateLimitPerMinute = 720"))
            #expect(warning.contains("576"))
        }
    }
}

/// The fake's own wait, which the process tests rely on: it returns once a request hangs, and its real-time
/// guard fails with the counts instead of hanging the test.
@Suite struct FakePanelWaitTests {
    @Test func waitsForAHungRequestAndTimesOutWithTheCounts() async throws {
        let server = FakePanel.Server.numbered(1)
        try await withPanel(servers: [server]) { fake, client in
            await #expect(throws: FakePanelError.timeout(expected: 1, received: 0)) {
                try await fake.waitForHungRequests(count: 1, timeout: .milliseconds(50))
            }
            fake.failNext(.hang, for: server.id)
            let request = Task { try? await client.resources(of: server.id) }
            try await fake.waitForHungRequests(count: 1, timeout: .seconds(30))
            fake.releaseHungRequests()
            _ = await request.value
        }
    }
}
