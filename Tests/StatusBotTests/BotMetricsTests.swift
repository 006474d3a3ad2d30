import Foundation
import GameQuery
import Logging
import Monitoring
import Observability
import PanelCore
import Pterodactyl
import Synchronization
import TestSupport
import Testing

@testable import StatusBot

@Suite struct BotMetricsTests {
    private let now = Date(timeIntervalSince1970: 1_796_158_245)

    /// The samples of a Prometheus text exposition: `name{labels}` → value (comments skipped), with the labels
    /// sorted by name so that expectations do not depend on the order the registry prints them in.
    private func samples(_ metrics: BotMetrics) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in String(decoding: metrics.exposition(), as: UTF8.self).split(separator: "\n")
        where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                Issue.record("unparsable sample line: \(line)")
                continue
            }
            samples[sortingLabels(line[..<space])] = value
        }
        return samples
    }

    private func sortingLabels(_ series: Substring) -> String {
        guard let open = series.firstIndex(of: "{"), series.hasSuffix("}") else { return String(series) }
        let labels = series[series.index(after: open)..<series.index(before: series.endIndex)]
            .split(separator: "\",", omittingEmptySubsequences: true)
            .map { $0.hasSuffix("\"") ? String($0) : $0 + "\"" }
            .sorted()
        return series[..<open] + "{" + labels.joined(separator: ",") + "}"
    }

    private func observation(_ cycle: Int, _ servers: [ServerObservation]) -> Observation {
        Observation(
            origin: .cycle(cycle),
            observedAt: now,
            servers: Dictionary(uniqueKeysWithValues: servers.map { ($0.server.id, $0) }),
            panelRequests: servers.count,
            panelDuration: .milliseconds(300)
        )
    }

    private func running(_ number: Int, cpu: Double, rx: Int) -> ServerObservation {
        var server = FakePanelBackend.server(number)
        server.limits.memoryMiB = 2048
        return ServerObservation(
            server: server,
            state: .running,
            usage: ServerResources(
                state: .running,
                memoryBytes: 1_000_000,
                cpuAbsolute: cpu,
                diskBytes: 5_000_000,
                networkRxBytes: rx,
                networkTxBytes: 10,
                uptimeMilliseconds: 61_000
            ),
            isNewSample: true,
            sampledAt: now
        )
    }

    @Test func gameServerSeriesFollowTheWatchedServersAndGoAwayWithThem() async throws {
        let metrics = BotMetrics()
        let exporter = GameServerMetrics(factory: metrics.factory, panel: "default")
        let first = running(1, cpu: 42.5, rx: 1_000)
        let second = running(2, cpu: 3, rx: 50)
        await exporter.consume(observation(1, [first, second]))
        let labels = #"name="\#(first.server.name)",panel="default",server="\#(first.server.id.rawValue)""#
        var seen = samples(metrics)
        #expect(seen["pterodisbot_game_server_cpu_percent{\(labels)}"] == 42.5)
        #expect(seen["pterodisbot_game_server_memory_limit_bytes{\(labels)}"] == Double(2048 * 1_048_576))
        #expect(seen["pterodisbot_game_server_uptime_seconds{\(labels)}"] == 61)
        #expect(seen["pterodisbot_game_server_network_receive_bytes_total{\(labels)}"] == 1_000)
        #expect(
            seen.keys.contains { $0.hasPrefix("pterodisbot_game_server_state{") && $0.contains(#"state="running""#) }
        )

        // Next cycle: the first server's traffic grew, it stopped, and the second is no longer watched.
        var stopped = running(1, cpu: 0, rx: 1_500)
        stopped.state = .offline
        await exporter.consume(observation(2, [stopped]))
        seen = samples(metrics)
        #expect(seen["pterodisbot_game_server_network_receive_bytes_total{\(labels)}"] == 1_500)
        #expect(seen.keys.contains { $0.contains(#"state="offline""#) })
        #expect(!seen.keys.contains { $0.contains(#"state="running""#) })
        #expect(!seen.keys.contains { $0.contains(second.server.id.rawValue) })
    }

    @Test func nodeSeriesShowAllocationAgainstCapacityAndGoAwayWithTheNode() async throws {
        let metrics = BotMetrics()
        let exporter = NodeMetrics(factory: metrics.factory, panel: "default")
        #expect(await exporter.wantsNodes)
        var first = running(1, cpu: 10, rx: 0)
        first.server.nodeName = "node-eu-1"
        var second = running(2, cpu: 10, rx: 0)
        second.server.nodeName = "node-us-1"
        second.state = .offline
        let nodes = [
            PanelNodeSummary(
                id: "1",
                name: "node-eu-1",
                memoryCapacityMiB: 32_768,
                memoryAllocatedMiB: 30_000,
                diskCapacityMiB: nil,
                diskAllocatedMiB: 10_240,
                freeAllocations: 12
            ),
            PanelNodeSummary(
                id: "2",
                name: "node-us-1",
                isInMaintenance: true,
                memoryCapacityMiB: 16_384,
                memoryAllocatedMiB: 0,
                diskCapacityMiB: 100_000,
                diskAllocatedMiB: 0
            ),
        ]
        var cycle = observation(1, [first, second])
        cycle.nodes = NodeListing(nodes: nodes, fetchedAt: now)
        await exporter.consume(cycle)
        var seen = samples(metrics)
        let eu = #"node="node-eu-1",panel="default""#
        let us = #"node="node-us-1",panel="default""#
        #expect(seen["pterodisbot_node_memory_allocated_bytes{\(eu)}"] == Double(30_000 * 1_048_576))
        #expect(seen["pterodisbot_node_memory_capacity_bytes{\(eu)}"] == Double(32_768 * 1_048_576))
        #expect(seen["pterodisbot_node_disk_capacity_bytes{\(eu)}"] == nil)  // unlimited
        #expect(seen["pterodisbot_node_free_allocations{\(eu)}"] == 12)
        #expect(seen["pterodisbot_node_servers_running{\(eu)}"] == 1)
        #expect(seen["pterodisbot_node_up{\(eu)}"] == 1)
        #expect(seen["pterodisbot_node_maintenance{\(us)}"] == 1)
        #expect(seen["pterodisbot_node_servers{\(us)}"] == 1)
        #expect(seen["pterodisbot_node_servers_running{\(us)}"] == 0)

        // The second node is no longer listed: its series go.
        cycle = observation(2, [first])
        cycle.nodes = NodeListing(nodes: [nodes[0]], fetchedAt: now)
        await exporter.consume(cycle)
        seen = samples(metrics)
        #expect(!seen.keys.contains { $0.contains("node-us-1") })
        #expect(seen["pterodisbot_node_up{\(eu)}"] == 1)
    }

    @Test func liveStatsSeriesFollowEachPanelsBackendAndGoWithIt() async throws {
        let metrics = BotMetrics()
        let host = LiveStatsHost(logger: Logger(label: "test"))
        let exporter = LiveStatsMetrics(factory: metrics.factory, host: host)
        let backend = LiveStatsBackend(
            inner: FakePanelBackend(servers: [FakePanelBackend.server(1)]),
            feed: FakeWingsLiveFeed(),
            clock: ContinuousClock(),
            logger: Logger(label: "test")
        )
        host.start(backend, for: "default")
        await exporter.consume(observation(1, []))
        var seen = samples(metrics)
        #expect(seen[#"pterodisbot_live_sockets_open{panel="default"}"#] == 0)
        #expect(seen[#"pterodisbot_live_nodes_fallen_back{panel="default"}"#] == 0)
        // A reload turned live stats off for the panel: its series go.
        host.stop("default")
        await exporter.consume(observation(2, []))
        seen = samples(metrics)
        #expect(!seen.keys.contains { $0.hasPrefix("pterodisbot_live_") })
    }

    @Test func playersOnlineIsExportedOnlyWhileKnown() async {
        let online = Mutex<Int?>(7)
        struct Reader: PlayerCountReading {
            let online: @Sendable () -> Int?
            func playerCount(of server: ServerID) async -> PlayerCount? {
                online().map { PlayerCount(online: $0, max: 20) }
            }
        }
        let metrics = BotMetrics()
        let exporter = GameServerMetrics(
            factory: metrics.factory,
            panel: "default",
            players: Reader { online.withLock { $0 } }
        )
        let server = running(1, cpu: 10, rx: 1)
        await exporter.consume(observation(1, [server]))
        let key =
            "pterodisbot_game_server_players_online{name=\"\(server.server.name)\",panel=\"default\",server=\"\(server.server.id.rawValue)\"}"
        #expect(samples(metrics)[key] == 7)
        online.withLock { $0 = nil }
        await exporter.consume(observation(2, [server]))
        #expect(samples(metrics)[key] == nil)
    }

    @Test func aRestartedServersTrafficCountsFromZeroAgain() async {
        let metrics = BotMetrics()
        let exporter = GameServerMetrics(factory: metrics.factory, panel: "default")
        await exporter.consume(observation(1, [running(1, cpu: 1, rx: 1_000)]))
        await exporter.consume(observation(2, [running(1, cpu: 1, rx: 200)]))
        let total = samples(metrics).first { $0.key.hasPrefix("pterodisbot_game_server_network_receive_bytes_total") }
        #expect(total?.value == 1_200)
    }

    @Test func cycleMetricsCountPollsFailuresAndEdits() async {
        let metrics = BotMetrics()
        var report = CycleReport()
        report.tracked = 5
        report.edited = 2
        report.editReasons = ["state": 1, "cpu": 1]
        report.reposted = 1
        let cycleReport = report
        let consumer = CycleMetrics(factory: metrics.factory, panel: "default") { cycleReport }
        var failed = running(2, cpu: 0, rx: 0)
        failed.failure = PanelFailure(.keyRefused, detail: "revoked")
        await consumer.consume(observation(1, [running(1, cpu: 1, rx: 0), failed]))
        let seen = samples(metrics)
        #expect(seen[#"pterodisbot_cycle_servers_polled{panel="default"}"#] == 2)
        #expect(seen[#"pterodisbot_panel_errors_total{kind="key_refused",panel="default"}"#] == 1)
        #expect(seen[#"pterodisbot_cycle_poll_duration_seconds_count{panel="default"}"#] == 1)
        #expect(seen[#"pterodisbot_status_message_edits_total{reason="state"}"#] == 1)
        #expect(seen[#"pterodisbot_status_message_edits_skipped_total{reason="unchanged"}"#] == 3)
        #expect(seen["pterodisbot_status_message_reposts_total"] == 1)
        #expect(seen["pterodisbot_status_messages_tracked"] == 5)
    }

    @Test func probesAnswerFromTheHealthRules() async throws {
        let notReady = Mutex<Duration?>(nil)
        let restUsable = Mutex(true)
        let health = BotHealth(
            probes: BotHealth.Probes(
                gatewayNotReadyFor: { notReady.withLock { $0 } },
                discordRESTUsable: { restUsable.withLock { $0 } }
            ),
            updateInterval: .seconds(10)
        )
        let metrics = BotMetrics()
        let routes = ProbeRoutes.make(
            metrics: metrics,
            health: health,
            gatewayLatency: { .milliseconds(42) },
            budgetUse: {
                [("default", [PanelBudgetUse(budget: "client", requestsLastMinute: 360, limitPerMinute: 720)])]
            },
            now: { self.now + 1 }
        )
        #expect(await routes("/readyz")?.status == 503)  // no cycle yet
        health.cycleCompleted(at: now, pollDuration: .seconds(1))
        #expect(await routes("/readyz")?.status == 200)
        #expect(await routes("/healthz")?.status == 200)

        // The gateway drops: still ready within the grace, not after; liveness does not care.
        notReady.withLock { $0 = .seconds(30) }
        #expect(await routes("/readyz")?.status == 200)
        notReady.withLock { $0 = .seconds(91) }
        let down = try #require(await routes("/readyz"))
        #expect(down.status == 503)
        #expect(String(decoding: down.body, as: UTF8.self).contains(#""gateway":"no Discord gateway session for 91 s"#))
        #expect(await routes("/healthz")?.status == 200)

        // A stopped REST client fails readiness too, named in the body.
        notReady.withLock { $0 = nil }
        restUsable.withLock { $0 = false }
        let stopped = try #require(await routes("/readyz"))
        #expect(stopped.status == 503)
        #expect(String(decoding: stopped.body, as: UTF8.self).contains(#""discord_rest":"#))

        let scrape = try #require(await routes("/metrics"))
        #expect(scrape.contentType.hasPrefix("text/plain; version=0.0.4"))
        let seen = samples(metrics)
        #expect(seen["pterodisbot_gateway_latency_seconds"] == 0.042)
        #expect(seen["pterodisbot_discord_rest_usable"] == 0)
        #expect(seen["pterodisbot_ready"] == 0)
        #expect(seen[#"pterodisbot_panel_budget_used_ratio{api="client",panel="default"}"#] == 0.5)
        #expect(await routes("/nope") == nil)
    }
}
