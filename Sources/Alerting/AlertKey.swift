import PanelCore

/// What an alert is about. The raw values are persisted in the bot's state file.
///
/// A state file written by a newer version may hold kinds this version does not know. Such alerts and pending
/// conditions are dropped when the file is decoded (see ``AlertEngineState``): this version could never evaluate
/// or clear them, so keeping them would leave them open for ever.
public enum AlertKind: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// A server stopped without a power action (crashed), or the bot could not tell why it stopped.
    case serverStopped
    /// A server has stayed in `starting` for longer than ``AlertThresholds/stuckStartingFor``.
    case serverStuckStarting
    /// A server's CPU use has stayed above ``AlertThresholds/serverCPUPercent`` of its limit.
    case serverCPU
    /// A server's memory use has stayed above ``AlertThresholds/serverMemoryPercent`` of its limit.
    case serverMemory
    /// A server's disk use has stayed above ``AlertThresholds/serverDiskPercent`` of its limit.
    case serverDisk
    /// Every server on a node fails while the other nodes answer.
    case nodeUnreachable
    /// The memory handed out to a node's servers is above ``AlertThresholds/nodeMemoryPercent`` of its capacity.
    case nodeMemoryAllocated
    /// The disk handed out to a node's servers is above ``AlertThresholds/nodeDiskPercent`` of its capacity.
    case nodeDiskAllocated
    /// The panel does not answer at all.
    case panelUnreachable
    /// The panel answers but refuses the bot's API key.
    case panelKeyRefused

    /// Orders kinds by declaration order, so outcomes list them the same way on every run.
    public static func < (lhs: AlertKind, rhs: AlertKind) -> Bool { lhs.order < rhs.order }

    private var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}

/// How urgent an alert is. Critical alerts mean something is down; warnings mean something may go down.
public enum AlertSeverity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// Something is down: the panel, a node, or a server that crashed.
    case critical
    /// A threshold was crossed, a server is stuck starting, or it stopped for a reason the bot could not read.
    case warning

    /// Critical sorts first.
    public static func < (lhs: AlertSeverity, rhs: AlertSeverity) -> Bool {
        lhs == .critical && rhs == .warning
    }
}

/// What an alert is raised on: a panel as a whole, one node, or one server.
///
/// The default panel (`[Pterodactyl]`) is ``panel``, written `panel` as before the bot served several panels, so a
/// state file from then keeps its meaning; another panel (`[Panel:NAME]`) is ``namedPanel(_:)``, written
/// `panel:NAME`.
public enum AlertSubject: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The default panel (`[Pterodactyl]`), the only one when the bot serves one panel.
    case panel
    /// The panel of a `[Panel:NAME]` section, by its `NAME` (the prefix of its servers' ``ServerID``).
    case namedPanel(String)
    /// A node, by its display name (the name the panel lists and servers refer to).
    case node(name: String)
    /// A server, by its panel identifier.
    case server(ServerID)

    /// The subject of a panel by its name, as ``ServerID/panel`` gives it.
    /// - Parameter name: The `NAME` of `[Panel:NAME]`, or `nil` for the default panel.
    /// - Returns: ``panel`` or ``namedPanel(_:)``.
    public static func panel(named name: String?) -> AlertSubject {
        name.map { .namedPanel($0) } ?? .panel
    }

    /// A compact text form used in the state file: `panel`, `panel:<name>`, `node:<name>` or `server:<id>`.
    public var description: String {
        switch self {
        case .panel: "panel"
        case .namedPanel(let name): "panel:\(name)"
        case .node(let name): "node:\(name)"
        case .server(let id): "server:\(id.rawValue)"
        }
    }

    /// Parses the text form written by ``description``.
    /// - Parameter text: `panel`, `panel:<name>`, `node:<name>` or `server:<id>`; a node's name may itself contain
    ///   colons.
    /// - Returns: `nil` for any other form.
    public init?(text: String) {
        if text == "panel" {
            self = .panel
            return
        }
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let rest = String(text[text.index(after: colon)...])
        switch text[..<colon] {
        case "panel" where !rest.isEmpty: self = .namedPanel(rest)
        case "node": self = .node(name: rest)
        case "server": self = .server(ServerID(rest))
        default: return nil
        }
    }

    /// Decodes the compact text form.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let subject = AlertSubject(text: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown alert subject \(text)")
        }
        self = subject
    }

    /// Encodes the compact text form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// The default panel first, then the other panels by name, then nodes by name, then servers by identifier.
    public static func < (lhs: AlertSubject, rhs: AlertSubject) -> Bool {
        if lhs.rank != rhs.rank { return lhs.rank < rhs.rank }
        switch (lhs, rhs) {
        case (.namedPanel(let a), .namedPanel(let b)): return a < b
        case (.node(let a), .node(let b)): return a < b
        case (.server(let a), .server(let b)): return a < b
        default: return false
        }
    }

    private var rank: Int {
        switch self {
        case .panel: 0
        case .namedPanel: 1
        case .node: 2
        case .server: 3
        }
    }
}

/// Identifies one condition: at most one alert per key is open at a time.
public struct AlertKey: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// What is wrong.
    public var kind: AlertKind
    /// Where.
    public var subject: AlertSubject

    /// Creates a key.
    /// - Parameters:
    ///   - kind: What is wrong.
    ///   - subject: Where.
    public init(kind: AlertKind, subject: AlertSubject) {
        self.kind = kind
        self.subject = subject
    }

    /// `kind@subject`, for logs.
    public var description: String { "\(kind.rawValue)@\(subject)" }

    /// By subject, then kind.
    public static func < (lhs: AlertKey, rhs: AlertKey) -> Bool {
        if lhs.subject != rhs.subject { return lhs.subject < rhs.subject }
        return lhs.kind < rhs.kind
    }
}
