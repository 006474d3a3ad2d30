import PanelCore
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A ``PanelBackend`` in memory, for tests of the monitor, the status updates and the interactions without HTTP.
/// Its answers are the neutral ones the Pterodactyl backend produces from the panel's (see
/// `PterodactylBackend`): tests of what the real panel sends live with the HTTP ``FakePanel``.
///
/// Script it with ``setUsage(_:for:)``, ``fail(_:with:)``, ``setServers(_:)``, ``setNodes(_:)`` and
/// ``addPowerActivity(_:for:)``; hold calls with ``gate``; read what was asked in ``usageRequests``,
/// ``nodeRequests``, ``activityRequests`` and ``powerSignals``.
public final class FakePanelBackend: PanelBackend {
    private struct State {
        var servers: [GameServer]
        var usage: [ServerID: ServerResources] = [:]
        var failures: [ServerID: PanelFailure] = [:]
        var listFailure: PanelFailure?
        var usageRequests: [[ServerID]] = []
        var listRequests: [Bool] = []
        var powerSignals: [(PowerSignal, ServerID)] = []
        var powerFailure: PanelFailure?
        /// `nil`: the backend lists no nodes (``PanelCapabilities/listsNodes`` is false).
        var nodes: [PanelNodeSummary]?
        var nodesFailure: PanelFailure?
        var nodeRequests = 0
        var activity: [ServerID: [PowerActivity]] = [:]
        var activityFailure: PanelFailure?
        var activityRequests: [(ServerID, Date)] = []
    }

    private let state: Mutex<State>
    private let recordsRequests: Bool
    private let wallClock: (@Sendable () -> Date)?

    /// Holds ``usage(of:)`` calls while closed.
    public let gate = Gate()

    /// Creates a backend listing `servers`, each offline until scripted.
    /// - Parameters:
    ///   - servers: The servers.
    ///   - recordsRequests: False for long runs (the soak benchmark) that must not grow the double's memory: no
    ///     request is recorded and ``gate`` (which records arrivals) is not used.
    ///   - nodes: The nodes ``nodes()`` lists; `nil` (the default) makes the backend one without nodes.
    ///   - wallClock: When set, ``sendPower(_:to:)`` logs a ``PowerActivity`` at its time, as a panel's activity
    ///     log does.
    public init(
        servers: [GameServer],
        recordsRequests: Bool = true,
        nodes: [PanelNodeSummary]? = nil,
        wallClock: (@Sendable () -> Date)? = nil
    ) {
        var initial = State(servers: servers)
        initial.nodes = nodes
        state = Mutex(initial)
        self.recordsRequests = recordsRequests
        self.wallClock = wallClock
    }

    /// A server named "Server N" with identifier `0000000N` (hex), 4 GiB and 200 % CPU, one address.
    /// - Parameters:
    ///   - number: 1...
    ///   - name: Overrides the name.
    /// - Returns: The server.
    public static func server(_ number: Int, name: String? = nil) -> GameServer {
        let hex = String(number, radix: 16)
        return GameServer(
            id: ServerID(String(repeating: "0", count: max(0, 8 - hex.count)) + hex),
            name: name ?? "Server \(number)",
            nodeName: "node-1",
            limits: ServerLimits(memoryMiB: 4096, diskMiB: 10_240, cpuPercent: 200),
            allocations: [ServerAllocation(id: number, ip: "192.0.2.1", port: 25_000 + number, isDefault: true)]
        )
    }

    // MARK: - Scripting

    /// Replaces the listed servers.
    public func setServers(_ servers: [GameServer]) {
        state.withLock { $0.servers = servers }
    }

    /// Sets what ``usage(of:)`` answers for `id` and clears its failure.
    public func setUsage(_ usage: ServerResources, for id: ServerID) {
        state.withLock {
            $0.usage[id] = usage
            $0.failures[id] = nil
        }
    }

    /// Running usage whose uptime grows with `sample`, so each value is a new sample.
    public func setRunning(_ id: ServerID, cpu: Double, memoryMiB: Int = 1024, sample: Int) {
        setUsage(
            ServerResources(
                state: .running,
                memoryBytes: memoryMiB * 1_048_576,
                cpuAbsolute: cpu,
                diskBytes: 1 << 30,
                networkRxBytes: 1000 * sample,
                networkTxBytes: 500 * sample,
                uptimeMilliseconds: 60_000 + sample * 10_000
            ),
            for: id
        )
    }

    /// Makes ``usage(of:)`` fail for `id` until ``setUsage(_:for:)``.
    public func fail(_ id: ServerID, with failure: PanelFailure) {
        state.withLock { $0.failures[id] = failure }
    }

    /// Makes ``servers(forceRefresh:)`` fail (`nil` answers again).
    public func failList(with failure: PanelFailure?) {
        state.withLock { $0.listFailure = failure }
    }

    /// Makes ``sendPower(_:to:)`` fail (`nil` accepts again).
    public func failPower(with failure: PanelFailure?) {
        state.withLock { $0.powerFailure = failure }
    }

    /// Sets the nodes ``nodes()`` lists and clears its failure; `nil` makes the backend one without nodes.
    public func setNodes(_ nodes: [PanelNodeSummary]?) {
        state.withLock {
            $0.nodes = nodes
            $0.nodesFailure = nil
        }
    }

    /// Makes ``nodes()`` fail (`nil` answers again).
    public func failNodes(with failure: PanelFailure?) {
        state.withLock { $0.nodesFailure = failure }
    }

    /// Appends an entry to a server's activity log.
    public func addPowerActivity(_ entry: PowerActivity, for id: ServerID) {
        state.withLock { $0.activity[id, default: []].append(entry) }
    }

    /// Makes ``powerActivity(of:since:)`` fail (`nil` answers again), e.g. with `keyRefused` or `unsupported`.
    public func failPowerActivity(with failure: PanelFailure?) {
        state.withLock { $0.activityFailure = failure }
    }

    // MARK: - Observing

    /// How many times ``nodes()`` was called.
    public var nodeRequests: Int { state.withLock { $0.nodeRequests } }

    /// The servers and `since` dates ``powerActivity(of:since:)`` was asked for, in order.
    public var activityRequests: [(ServerID, Date)] { state.withLock { $0.activityRequests } }

    /// The id lists ``usage(of:)`` was asked for, in order.
    public var usageRequests: [[ServerID]] { state.withLock { $0.usageRequests } }

    /// Every `forceRefresh` ``servers(forceRefresh:)`` was called with.
    public var listRequests: [Bool] { state.withLock { $0.listRequests } }

    /// The power signals sent, in order.
    public var powerSignals: [(PowerSignal, ServerID)] { state.withLock { $0.powerSignals } }

    // MARK: - PanelBackend

    /// Every power signal and addresses; nodes only when some are scripted.
    public var capabilities: PanelCapabilities {
        let listsNodes = state.withLock { $0.nodes != nil }
        return PanelCapabilities(powerSignals: Set(PowerSignal.allCases), listsNodes: listsNodes, hasAddresses: true)
    }

    public func servers(forceRefresh: Bool) async throws -> [GameServer] {
        try state.withLock { state in
            if recordsRequests { state.listRequests.append(forceRefresh) }
            if let failure = state.listFailure { throw failure }
            return state.servers
        }
    }

    public func serverDetails(_ id: ServerID) async throws -> GameServer {
        try state.withLock { state in
            guard let server = state.servers.first(where: { $0.id == id }) else {
                throw PanelFailure(.notFound, detail: "no server \(id)")
            }
            return server
        }
    }

    public func usage(of ids: [ServerID]) async throws -> [ServerID: Result<ServerResources, PanelFailure>] {
        if recordsRequests {
            state.withLock { $0.usageRequests.append(ids) }
            await gate.pass("usage")
        }
        try Task.checkCancellation()
        return state.withLock { state in
            var results: [ServerID: Result<ServerResources, PanelFailure>] = [:]
            for id in ids {
                if let failure = state.failures[id] {
                    results[id] = .failure(failure)
                } else if !state.servers.contains(where: { $0.id == id }) {
                    results[id] = .failure(PanelFailure(.notFound, detail: "no server \(id)"))
                } else {
                    results[id] = .success(state.usage[id] ?? ServerResources(state: .offline))
                }
            }
            return results
        }
    }

    public func sendPower(_ signal: PowerSignal, to id: ServerID) async throws {
        let loggedAt = wallClock?()
        try state.withLock { state in
            if let failure = state.powerFailure { throw failure }
            state.powerSignals.append((signal, id))
            if let loggedAt {
                let entry = PowerActivity(signal: signal, event: "server:power.\(signal.rawValue)", loggedAt: loggedAt)
                state.activity[id, default: []].append(entry)
            }
        }
    }

    /// The scripted nodes, or `unsupported` when none are.
    public func nodes() async throws -> [PanelNodeSummary] {
        try state.withLock { state in
            state.nodeRequests += 1
            if let failure = state.nodesFailure { throw failure }
            guard let nodes = state.nodes else {
                throw PanelFailure(.unsupported, detail: "this panel does not list nodes")
            }
            return nodes
        }
    }

    /// The scripted entries logged at or after `since`, newest first.
    public func powerActivity(of id: ServerID, since: Date) async throws -> [PowerActivity] {
        try state.withLock { state in
            if recordsRequests { state.activityRequests.append((id, since)) }
            if let failure = state.activityFailure { throw failure }
            return (state.activity[id] ?? []).filter { $0.loggedAt >= since }.reversed()
                .sorted { $0.loggedAt > $1.loggedAt }
        }
    }
}
