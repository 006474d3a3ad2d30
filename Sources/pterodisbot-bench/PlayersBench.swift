import Foundation
import GameQuery
import Logging
import Monitoring
import PanelCore
import StatusBot
import TestSupport

/// The cost of player counts: one query's latency over loopback per protocol, and a round over 500 running
/// servers (wall time and this process's CPU), all against the in-process fake game servers.
func playersBenchmarks() async throws -> [BenchFigure] {
    let quiet = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
    let java = try await FakeJavaServer.start()
    let a2s = try await FakeA2SServer.start(challenge: 0x1234_5678)
    let client = DefaultGameQueryClient(logger: quiet)
    var figures: [BenchFigure] = []
    for (name, target) in [
        ("java", GameQueryTarget(.java, host: "127.0.0.1", port: java.port)),
        ("a2s_with_challenge", GameQueryTarget(.a2s, host: "127.0.0.1", port: a2s.port)),
    ] {
        let latencies = try await Measure.durations(iterations: 51) { _ = try await client.playerCount(of: target) }
        figures.append(
            BenchFigure(
                name: "players.query_\(name).median_ms",
                value: Measure.medianMilliseconds(latencies),
                unit: "ms",
                context: ["runs": "\(latencies.count)", "network": "loopback"]
            )
        )
    }

    // 500 running Minecraft servers, all answered by the one fake (each query is its own connection).
    let collector = PlayerCountCollector(
        client: client,
        interval: .seconds(30),
        clock: ContinuousClock(),
        logger: quiet
    )
    var servers: [ServerID: ServerObservation] = [:]
    for number in 1...500 {
        var server = FakePanelBackend.server(number)
        server.allocations = [ServerAllocation(id: number, ip: "127.0.0.1", port: java.port, isDefault: true)]
        server.gameHints = GameHints(image: "ghcr.io/pterodactyl/yolks:java_21")
        servers[server.id] = ServerObservation(server: server, state: .running)
    }
    await collector.consume(Observation(origin: .cycle(1), observedAt: Date(), servers: servers))
    await collector.queryRound()
    var walls: [Duration] = []
    var cpu: [Double] = []
    let clock = ContinuousClock()
    for _ in 0..<7 {
        let before = processCPUSeconds()
        walls.append(await clock.measure { await collector.queryRound() })
        cpu.append(processCPUSeconds() - before)
    }
    figures.append(
        BenchFigure(
            name: "players.round_500_servers.wall_ms",
            value: Measure.medianMilliseconds(walls),
            unit: "ms",
            context: ["runs": "\(walls.count)", "concurrency": "16"]
        )
    )
    figures.append(
        BenchFigure(
            name: "players.round_500_servers.cpu_seconds",
            value: Measure.median(cpu),
            unit: "s",
            context: ["runs": "\(cpu.count)", "interval": "30 s"]
        )
    )
    try await java.shutdown()
    try await a2s.shutdown()
    return figures
}
