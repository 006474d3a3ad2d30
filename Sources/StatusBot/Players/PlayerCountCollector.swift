import GameQuery
import Logging
import Monitoring
import PanelCore
import ServiceLifecycle

/// Reads the player counts found so far.
public protocol PlayerCountReading: Sendable {
    /// The last count of `server`; nil when unknown (not running, not askable, no answer).
    /// - Parameter server: The server.
    func playerCount(of server: ServerID) async -> PlayerCount?
}

/// Asks every running, watched server for its player count on its own schedule, so a slow or silent game
/// server never delays the update cycle. A consumer of the monitor's observations (which servers run, and where)
/// and a service (the query rounds). Each round asks each server once, at most `interval` apart; a server that
/// does not answer, or stops running, has no count (unknown, never 0).
public actor PlayerCountCollector<C: Clock>: ObservationConsumer, PlayerCountReading, Service
where C.Duration == Duration {
    private let client: any GameQueryClient
    private let interval: Duration
    private let overrides: [ServerID: PlayerQueryOverride]
    private let clock: C
    private let logger: Logger
    private var targets: [ServerID: GameQueryTarget] = [:]
    private var counts: [ServerID: PlayerCount] = [:]
    private var answering: Set<ServerID> = []

    /// Creates a collector.
    /// - Parameters:
    ///   - client: The game query client (its configuration holds the timeout and the concurrency bound).
    ///   - interval: Time between two rounds.
    ///   - overrides: The admin's per-server choices.
    ///   - clock: Drives the rounds (a manual clock in tests).
    ///   - logger: Logs each server's first answer and when it stops answering, at debug level.
    public init(
        client: any GameQueryClient,
        interval: Duration,
        overrides: [ServerID: PlayerQueryOverride] = [:],
        clock: C,
        logger: Logger
    ) {
        self.client = client
        self.interval = interval
        self.overrides = overrides
        self.clock = clock
        self.logger = logger
    }

    public func consume(_ observation: Observation) {
        if case .cycle = observation.origin {
            // A server no longer watched (its message is gone) is no longer asked.
            for id in targets.keys where observation.servers[id] == nil { forget(id) }
        }
        for (id, observed) in observation.servers {
            guard observed.state == .running,
                let target = PlayerQueryPlanner.target(for: observed.server, override: overrides[id])
            else {
                forget(id)
                continue
            }
            if targets[id] != target { counts[id] = nil }
            targets[id] = target
        }
    }

    public func playerCount(of server: ServerID) -> PlayerCount? {
        counts[server]
    }

    /// Query rounds until graceful shutdown or cancellation.
    public func run() async throws {
        let clock = self.clock
        let interval = self.interval
        while !Task.isCancelled {
            let started = clock.now
            await queryRound()
            do {
                try await cancelWhenGracefulShutdown {
                    try await clock.sleep(until: started.advanced(by: interval), tolerance: nil)
                }
            } catch {
                return
            }
        }
    }

    /// Asks every current target once, concurrently (the client bounds how many at a time). ``run()`` calls it
    /// every interval; tests and the benchmark call it directly.
    public func queryRound() async {
        let round = targets
        guard !round.isEmpty else { return }
        let client = self.client
        let answers = await withTaskGroup(of: Answer.self) { group in
            for (id, target) in round {
                group.addTask {
                    do {
                        return Answer(server: id, target: target, count: try await client.playerCount(of: target))
                    } catch {
                        return Answer(server: id, target: target, failure: String(describing: error))
                    }
                }
            }
            var answers: [Answer] = []
            for await answer in group { answers.append(answer) }
            return answers
        }
        for answer in answers where targets[answer.server] == answer.target {
            let (id, target, count, failure) = (answer.server, answer.target, answer.count, answer.failure)
            counts[id] = count
            if count != nil {
                if answering.insert(id).inserted {
                    logger.debug(
                        "game server answers player queries",
                        metadata: ["panel.server": "\(id)", "query": "\(target)"]
                    )
                }
            } else if answering.remove(id) != nil {
                logger.debug(
                    "game server stopped answering player queries",
                    metadata: ["panel.server": "\(id)", "query": "\(target)", "error": "\(failure ?? "-")"]
                )
            }
        }
    }

    /// One server's answer in a round. A struct on purpose: with a tuple of this shape as the task group's result
    /// type, release builds (Swift 6.3.1) corrupted the heap in the 500-server bench; debug builds did not.
    private struct Answer: Sendable {
        var server: ServerID
        var target: GameQueryTarget
        var count: PlayerCount?
        var failure: String?
    }

    private func forget(_ id: ServerID) {
        targets[id] = nil
        counts[id] = nil
        answering.remove(id)
    }
}
