import PanelCore

/// Decides whether a status message needs an edit. Pure: the caller passes what was last shown and how long ago.
public struct ChangeDetector: Sendable {
    /// What an embed showed when it was last edited.
    public struct Shown: Sendable, Equatable {
        /// The state shown.
        public var state: ServerState
        /// The CPU percentage shown, when the server was running.
        public var cpuPercent: Double?
        /// Whether the graph image was attached.
        public var hadGraph: Bool
        /// Whether the values were marked as not current.
        public var isStale: Bool
        /// The player count shown, nil when none was.
        public var players: Int?

        /// Creates a record of what was shown.
        public init(state: ServerState, cpuPercent: Double?, hadGraph: Bool, isStale: Bool = false, players: Int? = nil)
        {
            self.state = state
            self.cpuPercent = cpuPercent
            self.hadGraph = hadGraph
            self.isStale = isStale
            self.players = players
        }
    }

    /// Why an edit is made (logged at debug level, counted by the benchmark).
    public enum Reason: Sendable, Equatable, CustomStringConvertible {
        /// Nothing was shown since the bot started.
        case firstCheck
        /// The power or derived state changed.
        case stateChanged(from: ServerState, to: ServerState)
        /// The values became stale (the panel stopped answering for this server) or current again.
        case stalenessChanged(isStale: Bool)
        /// CPU moved by more than the threshold.
        case cpuChanged(by: Double)
        /// The player count crossed a step, or became known or unknown.
        case playersChanged(from: Int?, to: Int?)
        /// The graph became available (sixth sample).
        case graphAvailable
        /// The forced refresh interval passed.
        case forcedRefresh
        /// A person or the bot asked for it (power button, `/refresh_embeds`).
        case requested

        /// A short stable name for counting (`state`, `cpu`, `graph`, `forced`, `first`, `requested`).
        public var kind: String {
            switch self {
            case .firstCheck: "first"
            case .stateChanged: "state"
            case .stalenessChanged: "stale"
            case .cpuChanged: "cpu"
            case .playersChanged: "players"
            case .graphAvailable: "graph"
            case .forcedRefresh: "forced"
            case .requested: "requested"
            }
        }

        public var description: String {
            switch self {
            case .firstCheck: "first check"
            case .stateChanged(let from, let to): "state \(from) → \(to)"
            case .stalenessChanged(let isStale): isStale ? "values became stale" : "values are current again"
            case .cpuChanged(let delta): "CPU changed by \(Int(delta.rounded())) points"
            case .playersChanged(let from, let to):
                "players \(from.map(String.init) ?? "unknown") → \(to.map(String.init) ?? "unknown")"
            case .graphAvailable: "graph available"
            case .forcedRefresh: "forced refresh"
            case .requested: "requested"
            }
        }
    }

    /// CPU change in percentage points that counts as significant.
    public var cpuChangeThreshold: Double
    /// Longest time an embed goes without an edit.
    public var forceUpdateInterval: Duration
    /// The player count must cross a multiple of this to count as a change.
    public var playersStep: Int
    /// Shortest time between two edits made for the player count alone.
    public var playersMinimumInterval: Duration

    /// Creates a detector.
    public init(
        cpuChangeThreshold: Double,
        forceUpdateInterval: Duration,
        playersStep: Int = 1,
        playersMinimumInterval: Duration = .seconds(60)
    ) {
        self.cpuChangeThreshold = cpuChangeThreshold
        self.forceUpdateInterval = forceUpdateInterval
        self.playersStep = max(1, playersStep)
        self.playersMinimumInterval = playersMinimumInterval
    }

    /// The reason to edit, or `nil` to leave the message alone.
    /// - Parameters:
    ///   - shown: What the message shows now (`nil` before the first edit since start).
    ///   - current: What it would show now.
    ///   - sinceLastEdit: Time since the last edit.
    public func reasonToEdit(shown: Shown?, current: Shown, sinceLastEdit: Duration) -> Reason? {
        guard let shown else { return .firstCheck }
        if shown.state != current.state { return .stateChanged(from: shown.state, to: current.state) }
        if shown.isStale != current.isStale { return .stalenessChanged(isStale: current.isStale) }
        if let before = shown.cpuPercent, let now = current.cpuPercent, abs(now - before) > cpuChangeThreshold {
            return .cpuChanged(by: abs(now - before))
        }
        if current.hadGraph && !shown.hadGraph { return .graphAvailable }
        if sinceLastEdit >= playersMinimumInterval, playersCrossedAStep(from: shown.players, to: current.players) {
            return .playersChanged(from: shown.players, to: current.players)
        }
        // A server the panel can't tell us about has nothing new to show; refreshing it would only cost calls.
        if sinceLastEdit >= forceUpdateInterval && !current.isStale { return .forcedRefresh }
        return nil
    }

    private func playersCrossedAStep(from before: Int?, to now: Int?) -> Bool {
        guard let before, let now else { return (before == nil) != (now == nil) }
        return before / playersStep != now / playersStep
    }
}
