#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What the bot needs from a game-server panel, whatever its kind. Pterodactyl and Pelican are one backend
/// (`PterodactylBackend`), the demo's simulation another; each maps its own errors to ``PanelFailure``.
///
/// Methods throw ``PanelFailure`` or `CancellationError`, nothing else.
public protocol PanelBackend: Sendable {
    /// What this backend offers.
    var capabilities: PanelCapabilities { get }

    /// The servers the bot may see, from a cache the backend refreshes on its own schedule or when asked.
    /// - Parameter forceRefresh: Fetch now even if the cached list is fresh.
    /// - Returns: Every server, in panel order.
    /// - Throws: ``PanelFailure`` or `CancellationError`.
    func servers(forceRefresh: Bool) async throws -> [GameServer]

    /// One server with its addresses.
    /// - Parameter id: The server.
    /// - Returns: The server.
    /// - Throws: ``PanelFailure`` (``PanelFailure/Kind/notFound`` for an unknown server) or `CancellationError`.
    func serverDetails(_ id: ServerID) async throws -> GameServer

    /// Live usage of many servers, inside the backend's request budget; one failure never affects the others.
    /// - Parameter ids: The servers (duplicates are fetched once).
    /// - Returns: One result per distinct id.
    /// - Throws: Only `CancellationError`.
    func usage(of ids: [ServerID]) async throws -> [ServerID: Result<ServerResources, PanelFailure>]

    /// Sends a power signal once; never retried (a failure is reported to the user instead).
    /// - Parameters:
    ///   - signal: One of ``PanelCapabilities/powerSignals``.
    ///   - id: The server.
    /// - Throws: ``PanelFailure`` or `CancellationError`.
    func sendPower(_ signal: PowerSignal, to id: ServerID) async throws

    /// The host machines, when ``PanelCapabilities/listsNodes``.
    /// - Returns: The nodes.
    /// - Throws: ``PanelFailure`` (``PanelFailure/Kind/unsupported`` when the backend has none) or
    ///   `CancellationError`.
    func nodes() async throws -> [PanelNodeSummary]

    /// Power actions logged for a server since `since`, newest first, so a stop can be told from a crash.
    /// - Parameters:
    ///   - id: The server.
    ///   - since: The earliest entry wanted.
    /// - Returns: The entries.
    /// - Throws: ``PanelFailure`` (``PanelFailure/Kind/unsupported`` when the backend keeps no log,
    ///   ``PanelFailure/Kind/keyRefused`` when the key may not read it) or `CancellationError`.
    func powerActivity(of id: ServerID, since: Date) async throws -> [PowerActivity]

    /// Advice with numbers when polling `serverCount` servers every `interval` needs more requests than the
    /// backend's budget allows (cycles then stretch), or `nil` when it fits. Logged once.
    /// - Parameters:
    ///   - serverCount: Servers polled per cycle.
    ///   - interval: The intended cycle length.
    /// - Returns: The advice, or `nil`.
    func budgetAdvice(forServerCount serverCount: Int, interval: Duration) -> String?

    /// How much of each request budget the last minute used; empty for backends without a budget.
    /// - Returns: One figure per budget.
    func budgetUse() async -> [PanelBudgetUse]

    /// How each panel behind this backend is doing, for `/bot_status` and the metrics; empty for a backend that
    /// is one panel (the bot's own cycle figures describe it).
    /// - Returns: One report per panel, in configuration order.
    func panelReports() async -> [PanelReport]
}

extension PanelBackend {
    /// No nodes: the default for backends without them.
    public func nodes() async throws -> [PanelNodeSummary] {
        throw PanelFailure(.unsupported, detail: "this panel does not list nodes")
    }

    /// No activity log: the default for backends without one.
    public func powerActivity(of id: ServerID, since: Date) async throws -> [PowerActivity] {
        throw PanelFailure(.unsupported, detail: "this panel keeps no activity log")
    }

    /// No budget: the default for backends without a request limit.
    public func budgetAdvice(forServerCount serverCount: Int, interval: Duration) -> String? { nil }

    /// No budget: the default for backends without a request limit.
    public func budgetUse() async -> [PanelBudgetUse] { [] }

    /// One panel: the default.
    public func panelReports() async -> [PanelReport] { [] }
}
