import PanelCore
import Pterodactyl
import Synchronization

/// A ``WingsLiveFeed`` in memory, for tests of whoever keeps live stats: no socket, no panel.
///
/// Each ``follow(_:events:)`` counts as one socket (and, for budget arithmetic, one token request: the real feed
/// asks the panel for a token when a socket opens and about every 10 minutes after). A follow first delivers the
/// events ``setOnFollow(_:)`` scripts (what Wings sends after `auth`: a sample), then counts as open until its task
/// is cancelled. Push events with ``emit(_:to:)``, which returns once the receiver has handled them; wait for
/// sockets to open or close with ``waitUntil(_:)`` and its conveniences.
public final class FakeWingsLiveFeed: WingsLiveFeed {
    /// What the feed is doing, as ``waitUntil(_:)`` conditions see it.
    public struct Snapshot: Sendable {
        /// Servers with an open socket (after its scripted first events).
        public var open: Set<ServerID>
        /// Every follow started, in order (a server appears once per socket).
        public var follows: [ServerID]
        /// Sockets that ended (cancelled), in order.
        public var closed: [ServerID]
        /// The most sockets open at one time.
        public var mostOpen: Int
    }

    private struct Waiter {
        var condition: @Sendable (Snapshot) -> Bool
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        /// Open sockets per server, by session number (a closing socket and its successor may overlap).
        var receivers: [ServerID: [Int: @Sendable (WingsFeedEvent) async -> Void]] = [:]
        var follows: [ServerID] = []
        var closed: [ServerID] = []
        var mostOpen = 0
        var nextSession = 0
        var onFollow: @Sendable (ServerID) -> [WingsFeedEvent] = { _ in [] }
        var waiters: [Waiter] = []

        var snapshot: Snapshot {
            Snapshot(
                open: Set(receivers.filter { !$0.value.isEmpty }.keys),
                follows: follows,
                closed: closed,
                mostOpen: mostOpen
            )
        }

        /// Removes and returns the waiters whose condition now holds.
        mutating func satisfiedWaiters() -> [Waiter] {
            let snapshot = self.snapshot
            let ready = waiters.filter { $0.condition(snapshot) }
            waiters.removeAll { $0.condition(snapshot) }
            return ready
        }
    }

    private let state = Mutex(State())

    /// Creates a feed with no sockets.
    public init() {}

    // MARK: - Scripting

    /// Sets the events each new socket delivers before it counts as open (Wings' answer to `auth` and
    /// `send stats`), e.g. a sample of the server.
    /// - Parameter script: The events for a server.
    public func setOnFollow(_ script: @escaping @Sendable (ServerID) -> [WingsFeedEvent]) {
        state.withLock { $0.onFollow = script }
    }

    /// Delivers `event` to every open socket of `server` and returns once each receiver has handled it.
    /// - Parameters:
    ///   - event: The event.
    ///   - server: The server.
    /// - Returns: How many sockets received it (0 when the server has none open).
    @discardableResult
    public func emit(_ event: WingsFeedEvent, to server: ServerID) async -> Int {
        let receivers = state.withLock { state in (state.receivers[server] ?? [:]).sorted { $0.key < $1.key } }
        for (_, receive) in receivers { await receive(event) }
        return receivers.count
    }

    // MARK: - Observing

    /// The current snapshot.
    public var snapshot: Snapshot { state.withLock { $0.snapshot } }

    /// Servers with an open socket.
    public var openServers: Set<ServerID> { snapshot.open }

    /// How many follows have started (one token request each).
    public var followCount: Int { state.withLock { $0.follows.count } }

    /// Returns once `condition` holds (at once when it already does).
    /// - Parameter condition: A condition on the snapshot.
    public func waitUntil(_ condition: @escaping @Sendable (Snapshot) -> Bool) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if condition(state.snapshot) { return true }
                state.waiters.append(Waiter(condition: condition, continuation: continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Returns once exactly `count` sockets are open.
    public func waitUntilOpen(count: Int) async {
        await waitUntil { $0.open.count == count }
    }

    /// Returns once every server in `servers` has an open socket.
    public func waitUntilOpen(_ servers: Set<ServerID>) async {
        await waitUntil { servers.isSubset(of: $0.open) }
    }

    /// Returns once no server in `servers` has an open socket.
    public func waitUntilClosed(_ servers: Set<ServerID>) async {
        await waitUntil { $0.open.isDisjoint(with: servers) }
    }

    // MARK: - WingsLiveFeed

    public func follow(_ server: ServerID, events: @escaping @Sendable (WingsFeedEvent) async -> Void) async {
        let (session, script) = state.withLock { state in
            state.nextSession += 1
            state.follows.append(server)
            return (state.nextSession, state.onFollow)
        }
        for event in script(server) { await events(event) }
        update { state in
            state.receivers[server, default: [:]][session] = events
            state.mostOpen = max(state.mostOpen, state.receivers.values.reduce(0) { $0 + $1.count })
        }
        // Open until cancelled: an AsyncStream's iteration ends when the task is cancelled.
        let (cancelled, keepOpen) = AsyncStream.makeStream(of: Never.self)
        for await _ in cancelled {}
        keepOpen.finish()
        update { state in
            state.receivers[server]?[session] = nil
            if state.receivers[server]?.isEmpty == true { state.receivers[server] = nil }
            state.closed.append(server)
        }
    }

    private func update(_ change: (inout State) -> Void) {
        let ready = state.withLock { state in
            change(&state)
            return state.satisfiedWaiters()
        }
        for waiter in ready { waiter.continuation.resume() }
    }
}
