/// A failed panel request, classified the same way for every backend. The ``detail`` is secret-free and may
/// carry backend-specific advice (which key to check, which permission is missing).
public struct PanelFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem it is; decides what the bot shows and whether a retry can help.
    public enum Kind: Sendable, Hashable {
        /// No answer from the panel, or its proxy answered instead (refused, timeout, 5xx page, HTML 404).
        case panelUnreachable
        /// The panel answered but cannot reach the node (host daemon) of this server.
        case nodeUnreachable
        /// The panel refuses the bot's key: unknown, revoked, of the wrong kind, or lacking a permission.
        case keyRefused
        /// The panel's rate limit was reached.
        case rateLimited
        /// The panel answered with something that is not what its API documents.
        case malformedAnswer
        /// The panel itself (not a proxy) says this server does not exist or the key may not see it. One such
        /// answer is not proof of removal: the monitor confirms it.
        case notFound
        /// The server exists but cannot serve the request in this state (suspended, installing, ...).
        case serverBusy(ServerState)
        /// The panel refused the request itself (a bad power signal, a missing account setting).
        case rejected
        /// This backend does not offer the operation.
        case unsupported
        /// Anything else.
        case other
    }

    /// The classification.
    public var kind: Kind
    /// A secret-free explanation for logs and users.
    public var detail: String

    /// Creates a failure.
    /// - Parameters:
    ///   - kind: The classification.
    ///   - detail: A secret-free explanation.
    public init(_ kind: Kind, detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// The server state this failure stands for, or `nil` when it says nothing about the server itself (a refused
    /// key, a rate limit, a malformed answer, an unconfirmed not-found): those make the shown values stale.
    public var derivedState: ServerState? {
        switch kind {
        case .serverBusy(let state): state
        case .nodeUnreachable: .nodeOffline
        case .panelUnreachable: .panelUnreachable
        default: nil
        }
    }

    /// A short reason for users, e.g. "the panel refuses the bot's key", shown on stale status messages.
    public var userReason: String {
        switch kind {
        case .panelUnreachable: "the panel cannot be reached"
        case .nodeUnreachable: "the panel cannot reach the server's node"
        case .keyRefused: "the panel refuses the bot's key"
        case .rateLimited: "the panel is rate limiting the bot"
        case .malformedAnswer: "the panel sent an answer the bot cannot read"
        case .notFound: "the panel did not find the server; checking again"
        case .serverBusy(let state): "the server is \(state)"
        case .rejected: "the panel rejected the request"
        case .unsupported: "the panel does not offer this"
        case .other: "the panel answered with an error"
        }
    }

    /// The detail.
    public var description: String { detail }
}

extension Result where Failure == PanelFailure {
    /// The failure, `nil` for a success.
    public var failure: PanelFailure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}
