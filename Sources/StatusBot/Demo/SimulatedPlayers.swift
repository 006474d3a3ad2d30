import GameQuery
import Monitoring
import PanelCore

/// The demo's player counts: what its game servers would answer a player query, moving with the simulation's
/// time. Games without `maxPlayers` answer nothing (their count stays unknown, as for a real game that speaks
/// no query protocol).
struct SimulatedPlayers: PlayerCountReading, ObservationConsumer {
    private static let names = [
        "Alex", "Steve", "Kai", "Noor", "Mika", "Jonas", "Lea", "Ravi", "Yuki", "Sam", "Ines", "Tomás",
    ]
    private let limits: [ServerID: Int]
    private let sharingNames: Set<ServerID>
    private let tick: @Sendable () -> Int

    /// Creates the counts of `servers`.
    /// - Parameters:
    ///   - servers: The simulated servers (their `maxPlayers`).
    ///   - tick: The simulation's current tick.
    init(servers: [SimulatedServer], tick: @escaping @Sendable () -> Int) {
        self.limits = Dictionary(
            servers.compactMap { spec in spec.maxPlayers.map { (spec.server.id, $0) } },
            uniquingKeysWith: { first, _ in first }
        )
        self.sharingNames = Set(servers.filter(\.sharesPlayerNames).map(\.server.id))
        self.tick = tick
    }

    func playerCount(of server: ServerID) async -> PlayerCount? {
        guard let limit = limits[server] else { return nil }
        // Players drift in and out: a slow wave around a third of the limit, different per server.
        let phase = server.rawValue.unicodeScalars.reduce(0) { $0 + Int($1.value) }
        let wave = [0, 1, 2, 2, 1, 0, -1, -1][(tick() + phase) % 8]
        let online = min(limit, max(0, limit / 3 + wave * max(1, limit / 10)))
        let names = sharingNames.contains(server) ? Array(Self.names.prefix(min(online, 10))) : []
        return PlayerCount(online: online, max: limit, names: names)
    }

    func consume(_ observation: Observation) async {}
}
