import PanelCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What the monitor knows about one server after a poll: the state to show, the latest usage and how fresh it is.
public struct ServerObservation: Sendable, Equatable {
    /// The server as last listed (a placeholder named by its identifier until the panel lists it).
    public var server: GameServer
    /// The state to show: live, derived from the panel's answer, or the last known one when ``isStale``.
    public var state: ServerState
    /// The latest usage (the last known one when ``isStale``), `nil` when none applies.
    public var usage: ServerResources?
    /// True when ``usage`` was taken by this poll (not a repeat of the panel's cached answer).
    public var isNewSample: Bool
    /// When ``usage`` was taken, `nil` before the first sample.
    public var sampledAt: Date?
    /// Why this poll failed, if it did.
    public var failure: PanelFailure?
    /// Why the values are not current (e.g. "the panel refuses the bot's key"), `nil` when they are.
    public var staleReason: String?

    /// Creates an observation.
    public init(
        server: GameServer,
        state: ServerState,
        usage: ServerResources? = nil,
        isNewSample: Bool = false,
        sampledAt: Date? = nil,
        failure: PanelFailure? = nil,
        staleReason: String? = nil
    ) {
        self.server = server
        self.state = state
        self.usage = usage
        self.isNewSample = isNewSample
        self.sampledAt = sampledAt
        self.failure = failure
        self.staleReason = staleReason
    }

    /// True when the values shown are the last known ones, not current.
    public var isStale: Bool { staleReason != nil }
}

extension ServerObservation {
    /// The observation after a poll. Pure: the monitor passes what it knew, what the panel answered and whether
    /// a removal is confirmed.
    ///
    /// - A live answer shows the listed state (a 409 the list already announces) or the power state.
    /// - A failure that names the server's state (busy, node or panel unreachable) shows that state; node and
    ///   panel outages keep the last usage, marked stale.
    /// - A failure that says nothing about the server (refused key, rate limit, malformed answer, an
    ///   unconfirmed not-found) keeps the last known state and usage, marked stale with the reason.
    /// - A confirmed removal shows ``ServerState/removed``.
    /// - Parameters:
    ///   - previous: What was known before, or `nil`.
    ///   - server: The server as listed now.
    ///   - result: The panel's answer.
    ///   - removalConfirmed: True when the monitor confirmed the server is gone.
    ///   - now: The wall-clock time of the poll.
    /// - Returns: The new observation.
    public static func after(
        _ previous: ServerObservation?,
        server: GameServer,
        result: Result<ServerResources, PanelFailure>,
        removalConfirmed: Bool,
        now: Date
    ) -> ServerObservation {
        switch result {
        case .success(let usage):
            let isNew = previous?.usage.map { !usage.isSameSample(as: $0) } ?? true
            return ServerObservation(
                server: server,
                state: server.listedState ?? usage.state,
                usage: usage,
                isNewSample: isNew,
                sampledAt: isNew ? now : previous?.sampledAt ?? now
            )
        case .failure(let failure):
            if removalConfirmed {
                return ServerObservation(server: server, state: .removed, failure: failure)
            }
            let lastState = previous.map { $0.state == .removed ? .unknown : $0.state }
            var next = ServerObservation(
                server: server,
                state: lastState ?? server.listedState ?? .unknown,
                usage: previous?.usage,
                sampledAt: previous?.sampledAt,
                failure: failure,
                staleReason: failure.userReason
            )
            if let derived = failure.derivedState {
                next.state = derived
                if case .serverBusy = failure.kind {
                    next.usage = nil
                    next.staleReason = nil
                }
            }
            return next
        }
    }
}
