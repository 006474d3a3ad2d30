import PanelCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Forwards to another ``PanelBackend`` (often the real Pterodactyl backend over the HTTP ``FakePanel``), holding
/// `sendPower`, `serverDetails` and `usage` at ``gate`` while it is closed: lets a test see that a reply went out
/// before the panel answered.
public final class GatedPanelBackend: PanelBackend {
    private let inner: any PanelBackend

    /// Holds the gated calls while closed; ``Gate/arrivals`` names them (`sendPower`, `serverDetails`, `usage`).
    public let gate: Gate

    /// Wraps `inner`.
    /// - Parameters:
    ///   - inner: The backend that answers.
    ///   - gated: True to hold calls from the start.
    public init(_ inner: any PanelBackend, gated: Bool) {
        self.inner = inner
        self.gate = Gate(isOpen: !gated)
    }

    public var capabilities: PanelCapabilities { inner.capabilities }

    public func servers(forceRefresh: Bool) async throws -> [GameServer] {
        try await inner.servers(forceRefresh: forceRefresh)
    }

    public func serverDetails(_ id: ServerID) async throws -> GameServer {
        await gate.pass("serverDetails")
        return try await inner.serverDetails(id)
    }

    public func usage(of ids: [ServerID]) async throws -> [ServerID: Result<ServerResources, PanelFailure>] {
        await gate.pass("usage")
        return try await inner.usage(of: ids)
    }

    public func sendPower(_ signal: PowerSignal, to id: ServerID) async throws {
        await gate.pass("sendPower")
        try await inner.sendPower(signal, to: id)
    }

    public func nodes() async throws -> [PanelNodeSummary] {
        try await inner.nodes()
    }

    public func powerActivity(of id: ServerID, since: Date) async throws -> [PowerActivity] {
        try await inner.powerActivity(of: id, since: since)
    }

    public func budgetAdvice(forServerCount serverCount: Int, interval: Duration) -> String? {
        inner.budgetAdvice(forServerCount: serverCount, interval: interval)
    }

    public func budgetUse() async -> [PanelBudgetUse] {
        await inner.budgetUse()
    }
}
