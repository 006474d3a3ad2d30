import PanelCore

/// The decisions of ``LiveStatsBackend`` as a pure value: which sockets to open and close, which servers are
/// answered live and which are polled, and the per-node fall-back bookkeeping. No I/O; time only from the instants
/// passed in, so tests drive it step by step.
///
/// - ``requested(_:now:)``: the monitor asked for these servers; returns a ``Plan``.
/// - ``received(_:on:now:)``: a socket reported an event; returns the ``Action``s it causes.
/// - ``listed(_:)``: the panel's list, for node names and the states the panel fixes (suspended, installing, ...:
///   polling them costs nothing, and Wings would refuse their socket).
/// - ``socketEnded(_:)``: a socket's feed returned on its own. ``shutDown()``: every socket closes, for good.
public struct LiveStatsStateMachine<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// One socket of one server. A server that loses its socket and gets a new one gets a new generation, so late
    /// events of the old socket are ignored.
    public struct Socket: Sendable, Hashable, CustomStringConvertible {
        /// The server.
        public var server: ServerID
        /// Distinguishes successive sockets of the server.
        public var generation: Int

        /// Creates a socket reference.
        public init(server: ServerID, generation: Int) {
            self.server = server
            self.generation = generation
        }

        public var description: String { "\(server)#\(generation)" }
    }

    /// What one ``requested(_:now:)`` call decided.
    public struct Plan: Sendable, Hashable {
        /// Sockets to start.
        public var open: [Socket] = []
        /// Sockets to stop.
        public var close: [Socket] = []
        /// Servers answered from their socket.
        public var live: [ServerID: ServerResources] = [:]
        /// Servers answered with their last poll, which is recent (``LiveStatsConfiguration/pollReuse``).
        public var recent: [ServerID: ServerResources] = [:]
        /// Servers to poll, in the order asked, each once.
        public var poll: [ServerID] = []

        /// An empty plan.
        public init() {}
    }

    /// What an event makes the backend do besides remembering it.
    public enum Action: Sendable, Hashable {
        /// A server's power state changed: ask the monitor for a cycle now.
        case wake
        /// The first socket of `node` fell back to polling: log it once, with the reason.
        case nodeFellBack(node: String, reason: String)
        /// The last fallen-back socket of `node` streams again: log it once.
        case nodeResumed(node: String)
    }

    /// The node name used when the panel's list does not name a server's node.
    public static var unknownNode: String { "(unknown node)" }

    private struct Entry: Sendable {
        var socket: Socket
        var node: String
        /// The newest sample, with the newest power state applied.
        var latest: ServerResources?
        /// When the socket last said anything (a sample or a state).
        var heardAt: Instant?
        /// Set between `.fellBack` and `.resumed`.
        var fallBackReason: String?
    }

    private let configuration: LiveStatsConfiguration
    private var entries: [ServerID: Entry] = [:]
    /// When each server was last asked for; forgotten after the idle timeout.
    private var lastRequested: [ServerID: Instant] = [:]
    private var nodeOf: [ServerID: String] = [:]
    /// The last successful poll of each watched server that is not live, and when it was asked for.
    private var lastPolls: [ServerID: (at: Instant, resources: ServerResources)] = [:]
    /// Servers whose listed state the panel fixes: polled, never given a socket.
    private var fixedByList: Set<ServerID> = []
    /// Nodes falling back, with the reason logged for them.
    private var nodeFallBacks: [String: String] = [:]
    private var nextGeneration = 0
    private var isShutDown = false

    /// Creates a machine with no sockets.
    /// - Parameter configuration: Caps and timeouts.
    public init(configuration: LiveStatsConfiguration) {
        self.configuration = configuration
    }

    // MARK: - Inputs

    /// The panel's server list arrived: remembers each server's node and which servers the panel's own status
    /// fixes. Sockets of those close at the next request.
    /// - Parameter servers: The list.
    public mutating func listed(_ servers: [GameServer]) {
        var nodes: [ServerID: String] = [:]
        var fixed = Set<ServerID>()
        for server in servers {
            if let node = server.nodeName, !node.isEmpty { nodes[server.id] = node }
            if server.listedState != nil { fixed.insert(server.id) }
        }
        nodeOf = nodes
        fixedByList = fixed
    }

    /// The monitor asks for `ids` now: they are watched. Closes sockets of servers not asked for within the idle
    /// timeout (and of servers the list fixes), opens sockets for asked servers without one (within the caps, in
    /// the order asked), and splits the ids into live answers and servers to poll.
    /// - Parameters:
    ///   - ids: The servers asked for (duplicates are answered once).
    ///   - now: The current instant.
    /// - Returns: The plan.
    public mutating func requested(_ ids: [ServerID], now: Instant) -> Plan {
        var plan = Plan()
        var seen = Set<ServerID>()
        let unique = ids.filter { seen.insert($0).inserted }
        guard !isShutDown else {
            plan.poll = unique
            return plan
        }
        for id in unique { lastRequested[id] = now }
        let idleSince = now.advanced(by: .zero - configuration.idleTimeout)
        lastRequested = lastRequested.filter { $0.value > idleSince }
        lastPolls = lastPolls.filter { lastRequested[$0.key] != nil }

        for (id, entry) in entries.sorted(by: { $0.key < $1.key })
        where lastRequested[id] == nil || fixedByList.contains(id) {
            plan.close.append(entry.socket)
            remove(id)
        }

        var opened = 0
        for id in unique where entries[id] == nil && !fixedByList.contains(id) {
            guard entries.count < configuration.maxSockets, opened < configuration.maxOpensPerRequest else { break }
            let socket = Socket(server: id, generation: nextGeneration)
            nextGeneration += 1
            entries[id] = Entry(socket: socket, node: node(of: id))
            plan.open.append(socket)
            opened += 1
        }

        for id in unique {
            if let resources = liveAnswer(for: id, now: now) {
                plan.live[id] = resources
                lastPolls[id] = nil
            } else if let last = lastPolls[id], now < last.at.advanced(by: configuration.pollReuse) {
                plan.recent[id] = last.resources
            } else {
                plan.poll.append(id)
            }
        }
        return plan
    }

    /// The polls a plan asked for were answered; successes are answered again while recent.
    /// - Parameters:
    ///   - results: The inner backend's answers.
    ///   - requestedAt: The instant the plan was made (when the poll was asked for).
    public mutating func polled(_ results: [ServerID: Result<ServerResources, PanelFailure>], requestedAt: Instant) {
        guard !isShutDown else { return }
        for (id, result) in results where lastRequested[id] != nil {
            switch result {
            case .success(let resources): lastPolls[id] = (requestedAt, resources)
            case .failure: lastPolls[id] = nil
            }
        }
    }

    /// A socket reported an event. Events of a socket that was closed since are ignored.
    /// - Parameters:
    ///   - event: The event.
    ///   - socket: The socket that reported it.
    ///   - now: The current instant.
    /// - Returns: ``Action/wake`` when the power state changed, and the node's fall-back or resumption when it is
    ///   the first of the node to fall back or the last to resume.
    public mutating func received(_ event: WingsFeedEvent, on socket: Socket, now: Instant) -> [Action] {
        guard var entry = entries[socket.server], entry.socket == socket else { return [] }
        defer { entries[socket.server] = entry }
        switch event {
        case .sample(let sample):
            let changed = entry.latest.map { $0.rawState != sample.rawState } ?? false
            entry.latest = sample
            entry.heardAt = now
            return changed ? [.wake] : []
        case .state(let state, let raw):
            entry.heardAt = now
            guard var latest = entry.latest else {
                // A new socket's first `status`: nothing changed that the bot knew, and waking for every socket
                // that opens would only poll the servers not live yet. Its first sample follows (`send stats`).
                return []
            }
            guard latest.rawState != raw else { return [] }
            latest.state = state
            latest.rawState = raw
            if state == .offline {
                // Wings zeroes a stopped server's usage (disk stays) and sends the zeroed sample shortly after.
                latest = ServerResources(
                    state: state,
                    rawState: raw,
                    diskBytes: latest.diskBytes,
                    unreported: latest.unreported
                )
            }
            entry.latest = latest
            return [.wake]
        case .fellBack(let reason):
            guard entry.fallBackReason == nil else {
                entry.fallBackReason = reason
                return []
            }
            entry.fallBackReason = reason
            guard nodeFallBacks[entry.node] == nil else { return [] }
            nodeFallBacks[entry.node] = reason
            return [.nodeFellBack(node: entry.node, reason: reason)]
        case .resumed:
            guard entry.fallBackReason != nil else { return [] }
            entry.fallBackReason = nil
            // The entry is written back on return: count the node's other fallen-back servers only.
            let stillFalling = entries.values.contains {
                $0.node == entry.node && $0.fallBackReason != nil && $0.socket != socket
            }
            guard !stillFalling, nodeFallBacks.removeValue(forKey: entry.node) != nil else { return [] }
            return [.nodeResumed(node: entry.node)]
        }
    }

    /// A socket's feed returned by itself (it only should when cancelled): the server gets a new socket at the next
    /// request.
    /// - Parameter socket: The socket.
    public mutating func socketEnded(_ socket: Socket) {
        guard entries[socket.server]?.socket == socket else { return }
        remove(socket.server)
    }

    /// Closes every socket for good: later requests poll everything.
    /// - Returns: The sockets to stop.
    public mutating func shutDown() -> [Socket] {
        isShutDown = true
        let sockets = entries.values.map(\.socket).sorted { $0.server < $1.server }
        entries = [:]
        nodeFallBacks = [:]
        return sockets
    }

    // MARK: - What is known

    /// The sockets open now.
    public var openSockets: Set<Socket> { Set(entries.values.map(\.socket)) }

    /// Counts for `/bot_status` and the metrics.
    /// - Parameter now: The current instant (a silent socket counts as polled).
    /// - Returns: The status.
    public func status(now: Instant) -> LiveStatsStatus {
        var live = 0
        var connecting = 0
        var fallenBackByNode: [String: Int] = [:]
        for (id, entry) in entries {
            if entry.fallBackReason != nil {
                fallenBackByNode[entry.node, default: 0] += 1
            } else if liveAnswer(for: id, now: now) != nil {
                live += 1
            } else if entry.latest == nil {
                connecting += 1
            }
        }
        let nodes = nodeFallBacks.keys.sorted().map { node in
            LiveStatsStatus.NodeFallBack(
                node: node,
                reason: nodeFallBacks[node] ?? "",
                servers: fallenBackByNode[node] ?? 0
            )
        }
        let watched = isShutDown ? 0 : lastRequested.count
        return LiveStatsStatus(
            liveSockets: live,
            connectingSockets: connecting,
            fallingBack: nodes,
            polledServers: max(0, watched - live)
        )
    }

    // MARK: - Rules

    /// The live value of a server when its socket can be trusted: open, not fallen back, with a sample, and not
    /// silent too long unless the server is offline.
    private func liveAnswer(for id: ServerID, now: Instant) -> ServerResources? {
        guard let entry = entries[id], entry.fallBackReason == nil, let latest = entry.latest,
            let heardAt = entry.heardAt
        else { return nil }
        if latest.state != .offline, heardAt.advanced(by: configuration.staleAfter) < now { return nil }
        return latest
    }

    private func node(of id: ServerID) -> String { nodeOf[id] ?? Self.unknownNode }

    /// Forgets a server's socket; its node stops falling back when it was the node's last fallen-back socket
    /// (silently: the node did not recover, the bot stopped watching it).
    private mutating func remove(_ id: ServerID) {
        guard let entry = entries.removeValue(forKey: id) else { return }
        if entry.fallBackReason != nil,
            !entries.values.contains(where: { $0.node == entry.node && $0.fallBackReason != nil })
        {
            nodeFallBacks[entry.node] = nil
        }
    }
}
