import DiscordGateway
import DiscordModels
import DiscordREST
import Logging
import Monitoring
import PanelCore
import ServerMetrics
import StatusBot
import Synchronization
import TestSupport

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// A simulated week on a manual clock: 60,480 ten-second cycles of 200 tracked servers whose usage moves, with
/// churn (every simulated hour five servers leave the panel and five new ones are tracked), and 100,000
/// interactions recorded by Discord's rate limiter, each on its own interaction-token route, and 50 gateway
/// reconnects (a dropped TCP connection, then RESUME) against the in-process fake gateway. Prints the
/// process's resident memory after a warm-up day and at the end: what the bot keeps per server, per message,
/// per channel and per route must not grow with time.
func soakBenchmarks() async throws -> [BenchFigure] {
    let servers = 200
    let cycles = 60_480
    let warmUpCycles = 8_640
    let churnEvery = 360
    let quiet = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
    let clock = ManualClock()
    var nextNumber = servers + 1
    let backend = FakePanelBackend(servers: (1...servers).map { FakePanelBackend.server($0) }, recordsRequests: false)
    let services = await StatusServices.make(
        backend: backend,
        configuration: StatusUpdaterConfiguration(),
        sink: DiscardingSink(),
        store: EmbedStore(file: nil),
        graphs: SeriesOnlyGraphs(MetricsGraphing(fonts: GraphFonts.load(), logger: quiet)),
        clock: clock,
        logger: quiet
    )
    let channel: ChannelID = "1000000000000000001"
    for server in try await backend.servers(forceRefresh: false) {
        try await services.updater.track(server.id, in: channel)
    }
    let limiter = RateLimiter()
    let interactionsPerCycle = Double(100_000) / Double(cycles)
    var interactions = 0
    var warmUpRSS = 0.0
    var rssByDay: [String] = []
    let gateway = try await SoakGateway.start(logger: quiet)
    let reconnectEvery = cycles / 50
    var reconnects = 0

    for cycle in 1...cycles {
        var listed = try await backend.servers(forceRefresh: false)
        for (index, server) in listed.enumerated() {
            // A slow walk: CPU crosses the change threshold now and then, as real load does.
            let cpu = 40 + 35 * sin(Double(cycle + index * 37) / 90)
            backend.setRunning(server.id, cpu: cpu, sample: cycle)
        }
        if cycle % churnEvery == 0 {
            let leaving = listed.prefix(5)
            listed.removeFirst(5)
            for _ in leaving {
                let newcomer = FakePanelBackend.server(nextNumber)
                nextNumber += 1
                listed.append(newcomer)
            }
            backend.setServers(listed)
            for newcomer in listed.suffix(5) {
                try await services.updater.track(newcomer.id, in: channel)
            }
        }
        clock.advance(by: .seconds(10))
        await services.monitor.cycle()

        let due = Int(Double(cycle) * interactionsPerCycle) - interactions
        for _ in 0..<max(0, due) {
            interactions += 1
            let route = Route.createInteractionResponse(
                interactionID: InteractionID(UInt64(interactions)),
                token: Secret("interaction-token-\(interactions)")
            )
            // As the REST client does: ask, send, record the answer.
            _ = await limiter.decide(route: route, now: clock.now.offset)
            await limiter.record(
                route: route,
                info: RateLimitInfo(status: 204, bucket: "b\(interactions)", limit: 5, remaining: 4),
                now: clock.now.offset
            )
        }
        if cycle % reconnectEvery == 0 {
            reconnects += 1
            try await gateway.dropAndAwaitResume(count: reconnects)
        }
        if cycle == warmUpCycles { warmUpRSS = residentMiB() }
        if cycle % 8_640 == 0 { rssByDay.append("\((residentMiB() * 10).rounded() / 10)") }
    }
    let endRSS = residentMiB()
    try await gateway.stop()
    let tracked = await services.store.all.count
    return [
        BenchFigure(
            name: "soak.week_200_servers.rss_growth_after_warmup",
            value: endRSS - warmUpRSS,
            unit: "MiB",
            context: [
                "goal": "<= 1", "warmup_rss_mib": "\((warmUpRSS * 10).rounded() / 10)",
                "end_rss_mib": "\((endRSS * 10).rounded() / 10)", "cycles": "\(cycles)",
                "interactions": "\(interactions)", "servers_churned": "\(nextNumber - servers - 1)",
                "tracked_at_end": "\(tracked)", "reconnects": "\(reconnects)",
                "rss_mib_at_end_of_each_day": rssByDay.joined(separator: " "),
            ]
        )
    ]
}

/// A real gateway connection to the in-process fake gateway on loopback, for the soak's reconnects.
private struct SoakGateway {
    let server: FakeGatewayServer
    let run: Task<Void, any Error>
    let drain: Task<Void, Never>

    static func start(logger: Logger) async throws -> SoakGateway {
        let server = try await FakeGatewayServer.start(configuration: .init(heartbeatInterval: .seconds(30)))
        let timing = GatewayTiming(
            backoff: GatewayBackoff(initial: .milliseconds(5), multiplier: 2, maximum: .milliseconds(40), jitter: 0.5)
        )
        let connection = GatewayConnection(
            configuration: GatewayConfiguration(gatewayURL: server.url, token: Secret("soak-token"), timing: timing),
            logger: logger
        )
        let run = Task { try await connection.run() }
        let drain = Task {
            for await _ in connection.events {}
        }
        try await server.waitForIdentify(timeout: .seconds(30))
        return SoakGateway(server: server, run: run, drain: drain)
    }

    func dropAndAwaitResume(count: Int) async throws {
        try self.server.dropConnection()
        try await self.server.waitForResume(count: count, timeout: .seconds(30))
    }

    func stop() async throws {
        self.run.cancel()
        _ = await self.run.result
        await self.drain.value
        try await self.server.shutdown()
    }
}

/// Process RSS in MiB (Linux).
private func residentMiB() -> Double {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return Double(Int(line.filter(\.isNumber)) ?? 0) / 1024
    }
    return 0
}

/// A sink that keeps nothing: the soak measures the bot, not a recording double.
private final class DiscardingSink: StatusMessageSink {
    private let next = Mutex<UInt64>(1)

    func createMessage(in channel: ChannelID, _ message: OutgoingMessage) async throws -> MessageID {
        MessageID(
            next.withLock {
                $0 += 1
                return $0
            }
        )
    }

    func editMessage(_ id: MessageID, in channel: ChannelID, _ message: OutgoingMessage) async throws {}

    func deleteMessage(_ id: MessageID, in channel: ChannelID) async throws {}
}

/// The real series with a stand-in image: drawing is pure CPU and keeps nothing, and a week of renders would
/// make the soak take an hour.
private struct SeriesOnlyGraphs: StatusGraphing {
    let inner: MetricsGraphing

    init(_ inner: MetricsGraphing) { self.inner = inner }

    func record(_ resources: ServerResources, for server: GameServer, at time: Date) async {
        await inner.record(resources, for: server, at: time)
    }

    func hasEnoughData(for server: ServerID) async -> Bool { await inner.hasEnoughData(for: server) }

    func graph(for server: GameServer) async -> [UInt8]? {
        await inner.hasEnoughData(for: server.id) ? [0x89, 0x50, 0x4E, 0x47] : nil
    }

    func forget(_ server: ServerID) async { await inner.forget(server) }
}
