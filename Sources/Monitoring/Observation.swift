import PanelCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What one poll of the panel found, published to every consumer.
public struct Observation: Sendable {
    /// Why the poll ran.
    public enum Origin: Sendable, Equatable {
        /// The monitor's scheduled cycle, covering every watched server.
        case cycle(Int)
        /// Asked for by a command or button (a few servers, between cycles).
        case onDemand
    }

    /// Why the poll ran.
    public var origin: Origin
    /// Wall-clock time of the poll.
    public var observedAt: Date
    /// The polled servers.
    public var servers: [ServerID: ServerObservation]
    /// Why the server list could not be fetched this time, if it could not.
    public var listFailure: PanelFailure?
    /// Usage requests made to the panel.
    public var panelRequests: Int
    /// Time spent waiting for the panel.
    public var panelDuration: Duration
    /// The panel's nodes as last fetched, `nil` until a consumer wants them and the backend lists nodes.
    public var nodes: NodeListing?

    /// Creates an observation.
    public init(
        origin: Origin,
        observedAt: Date,
        servers: [ServerID: ServerObservation],
        listFailure: PanelFailure? = nil,
        panelRequests: Int = 0,
        panelDuration: Duration = .zero,
        nodes: NodeListing? = nil
    ) {
        self.origin = origin
        self.observedAt = observedAt
        self.servers = servers
        self.listFailure = listFailure
        self.panelRequests = panelRequests
        self.panelDuration = panelDuration
        self.nodes = nodes
    }

    /// Servers whose poll failed.
    public var failureCount: Int { servers.values.count { $0.failure != nil } }
}

/// Something that acts on what the monitor observes: status messages, graphs, health, later alerts and metrics.
/// Register it once in the composition root.
public protocol ObservationConsumer: Sendable {
    /// The servers this consumer wants polled every cycle (for example the ones with a status message).
    /// - Returns: The servers; empty when the consumer only follows what others watch.
    func watchedServers() async -> Set<ServerID>

    /// True when this consumer wants every server the panel lists polled each cycle, watched or not (alerts
    /// follow servers that have no status message). Asked once per cycle.
    var wantsEveryServer: Bool { get async }

    /// True when this consumer wants the panel's nodes: the monitor then fetches them at most once per node
    /// refresh interval (when the backend lists nodes) and every ``Observation`` carries ``Observation/nodes``.
    /// Asked once per cycle.
    var wantsNodes: Bool { get async }

    /// Acts on an observation. The monitor calls the consumers one after another, in registration order, and
    /// awaits each before its next cycle, so keep slow work bounded (the status updater edits concurrently, with
    /// a bound).
    /// - Parameter observation: What was polled.
    func consume(_ observation: Observation) async
}

extension ObservationConsumer {
    /// Watches nothing by default.
    public func watchedServers() async -> Set<ServerID> { [] }

    /// Only what is watched, by default.
    public var wantsEveryServer: Bool { get async { false } }

    /// No nodes by default.
    public var wantsNodes: Bool { get async { false } }
}

/// What status messages and commands ask of the monitor: the listed servers and polls between cycles.
/// ``PanelMonitor`` conforms. A consumer that keeps one must keep it weakly: the monitor keeps its consumers.
public protocol ServerObserving: AnyObject, Sendable {
    /// The servers the panel lists (cached by the backend; `forceRefresh` fetches now).
    /// - Parameter forceRefresh: Fetch now.
    /// - Returns: The servers in panel order.
    /// - Throws: ``PanelFailure`` or `CancellationError`.
    func servers(forceRefresh: Bool) async throws -> [GameServer]

    /// The listed server `id`: from the last list when it has it, otherwise from a freshly fetched list.
    /// - Parameter id: The server.
    /// - Returns: The server, or `nil` when the panel does not list it.
    /// - Throws: ``PanelFailure`` or `CancellationError`.
    func listedServer(_ id: ServerID) async throws -> GameServer?

    /// Polls `ids` now and publishes the result to the consumers.
    /// - Parameter ids: The servers.
    /// - Returns: Their observations.
    func observe(_ ids: Set<ServerID>) async -> [ServerID: ServerObservation]

    /// The last observation of every watched server (and of servers polled on demand since the last cycle).
    var lastKnown: [ServerID: ServerObservation] { get async }

    /// Power actions the panel logged for a server since `since`, newest first, so a stop can be told from a
    /// crash (the backend's ``PanelBackend/powerActivity(of:since:)``; not cached, one request or two each call).
    /// - Parameters:
    ///   - id: The server.
    ///   - since: The earliest entry wanted.
    /// - Returns: The entries.
    /// - Throws: ``PanelFailure`` (`unsupported` without an activity log, `keyRefused` when the key may not read
    ///   it) or `CancellationError`.
    func powerActivity(of id: ServerID, since: Date) async throws -> [PowerActivity]
}

extension ServerObserving {
    /// No activity log by default.
    public func powerActivity(of id: ServerID, since: Date) async throws -> [PowerActivity] {
        throw PanelFailure(.unsupported, detail: "no activity log")
    }
}

extension PanelMonitor: ServerObserving {}
