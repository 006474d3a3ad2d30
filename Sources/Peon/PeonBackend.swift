import Logging
import PanelCore

/// A PEON orchestrator as a ``PanelBackend``: its server objects and Docker statistics mapped to the neutral
/// models, its errors to ``PanelFailure``.
///
/// PEON has no nodes, no addresses, no disk or uptime figures and no kill (reference §8). A server's
/// ``GameServer/id`` is its bare uid (`valheim.server01`); the layer that serves several panels adds the
/// panel's name.
public struct PeonBackend<C: Clock>: PanelBackend where C.Duration == Duration {
    private let client: any PeonClient
    private let configuration: PeonConfiguration
    private let clock: C
    private let cache: PeonServerListCache<C.Instant>
    private let logger: Logger

    /// Creates a backend.
    /// - Parameters:
    ///   - client: The PEON client (``DefaultPeonClient``, or a fake).
    ///   - configuration: The list's refresh interval and the fan-out bound of ``usage(of:)``.
    ///   - clock: Dates the cached server list (a manual clock in tests).
    ///   - logger: Used at `debug` only.
    public init(
        client: any PeonClient,
        configuration: PeonConfiguration = PeonConfiguration(),
        clock: C,
        logger: Logger = Logger(label: "pterodisbot.peon")
    ) {
        self.client = client
        self.configuration = configuration
        self.clock = clock
        self.cache = PeonServerListCache()
        self.logger = logger
    }

    /// Start, stop and restart; no nodes, no addresses.
    public var capabilities: PanelCapabilities {
        PanelCapabilities(powerSignals: [.start, .stop, .restart], listsNodes: false, hasAddresses: false)
    }

    /// The servers from `GET /servers`, fetched again at most once per
    /// ``PeonConfiguration/serverListRefreshInterval`` unless forced: the listing is expensive for the host
    /// (reference §7). A failed fetch keeps nothing, so the next call tries again.
    public func servers(forceRefresh: Bool) async throws -> [GameServer] {
        if !forceRefresh,
            let cached = await cache.fresh(now: clock.now, maxAge: configuration.serverListRefreshInterval)
        {
            return cached
        }
        let servers = try await mapped { try await client.servers().map(GameServer.init(peon:)) }
        await cache.store(servers, now: clock.now)
        return servers
    }

    /// One server from `GET /server/get/{uid}`.
    public func serverDetails(_ id: ServerID) async throws -> GameServer {
        try await mapped { GameServer(peon: try await client.server(try PeonServerUID(validating: id.rawValue))) }
    }

    /// Live usage from `GET /server/stats/{uid}`, at most ``PeonConfiguration/maxConcurrentRequests`` at a time,
    /// each server on its own: one failure never affects the others.
    public func usage(of ids: [ServerID]) async throws -> [ServerID: Result<ServerResources, PanelFailure>] {
        var seen = Set<ServerID>()
        let unique = ids.filter { seen.insert($0).inserted }
        var results: [ServerID: Result<ServerResources, PanelFailure>] = [:]
        results.reserveCapacity(unique.count)
        try await withThrowingTaskGroup(of: (ServerID, Result<ServerResources, PanelFailure>).self) { group in
            var pending = unique.makeIterator()
            for _ in 0..<configuration.maxConcurrentRequests {
                guard let id = pending.next() else { break }
                group.addTask { (id, try await self.usageResult(id)) }
            }
            while let (id, result) = try await group.next() {
                results[id] = result
                if let next = pending.next() {
                    group.addTask { (next, try await self.usageResult(next)) }
                }
            }
        }
        return results
    }

    /// `PUT /server/{start|stop|restart}/{uid}`, sent once. PEON answers when `docker compose` is done, so the
    /// call can take as long as ``PeonConfiguration/powerTimeout``.
    public func sendPower(_ signal: PowerSignal, to id: ServerID) async throws {
        guard let action = PeonPowerAction(signal) else {
            throw PanelFailure(
                .unsupported,
                detail: "PEON has no \(signal.rawValue) action (only start, stop, restart)"
            )
        }
        try await mapped {
            let server = try await client.power(action, try PeonServerUID(validating: id.rawValue))
            logger.debug(
                "peon power action done",
                metadata: [
                    "peon.server": "\(id)", "peon.action": "\(action.rawValue)", "peon.state": "\(server.rawState)",
                ]
            )
        }
    }

    private func usageResult(_ id: ServerID) async throws -> Result<ServerResources, PanelFailure> {
        do {
            return .success(
                try await mapped {
                    PeonUsage.resources(of: try await client.stats(of: try PeonServerUID(validating: id.rawValue)))
                }
            )
        } catch let failure as PanelFailure {
            return .failure(failure)
        }
    }

    /// Runs `body`, turning ``PeonError`` into ``PanelFailure``; `CancellationError` passes through.
    private func mapped<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PeonError {
            throw PanelFailure(peonError: error)
        } catch let error as PanelFailure {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // A PeonClient must throw PeonError only; the type name is shown, never the error's own text.
            throw PanelFailure(.other, detail: "PEON client failed with \(type(of: error))")
        }
    }
}

extension PeonBackend where C == ContinuousClock {
    /// Creates a backend on the continuous clock.
    /// - Parameters:
    ///   - client: The PEON client.
    ///   - configuration: The list's refresh interval and the fan-out bound.
    ///   - logger: Component logger.
    public init(
        client: any PeonClient,
        configuration: PeonConfiguration = PeonConfiguration(),
        logger: Logger = Logger(label: "pterodisbot.peon")
    ) {
        self.init(client: client, configuration: configuration, clock: ContinuousClock(), logger: logger)
    }
}

extension GameServer {
    /// The neutral view of a PEON server object: the bare uid as id, the warcamp name as name (the uid when it is
    /// empty), no node, limits, addresses or game hints (PEON's API has none, reference §8).
    /// - Parameter peon: The server object.
    public init(peon: PeonServer) {
        self.init(
            id: ServerID(peon.uid),
            // `server01` alone says little; the game tells servers of one host apart.
            name: peon.serverName.isEmpty ? peon.uid : "\(peon.serverName) (\(peon.gameUID))",
            description: Self.meaningfulDescription(peon.serverDescription)
        )
    }

    /// PEON fills a missing description with a placeholder (peon-orc app/modules/servers.py,
    /// `server_get_server`); that is not worth showing.
    private static func meaningfulDescription(_ text: String?) -> String? {
        guard let text, !text.isEmpty, text != "None - Please add a description" else { return nil }
        return text
    }
}

/// The last server list and when it was fetched.
actor PeonServerListCache<Instant: InstantProtocol> where Instant.Duration == Duration {
    private var servers: [GameServer] = []
    private var fetchedAt: Instant?

    /// The list if it was fetched less than `maxAge` ago.
    func fresh(now: Instant, maxAge: Duration) -> [GameServer]? {
        guard let fetchedAt, fetchedAt.duration(to: now) < maxAge else { return nil }
        return servers
    }

    /// Keeps a freshly fetched list.
    func store(_ servers: [GameServer], now: Instant) {
        self.servers = servers
        fetchedAt = now
    }
}
