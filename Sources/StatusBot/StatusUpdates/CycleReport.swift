/// What one cycle did, for logs, `/bot_status` and the benchmark.
public struct CycleReport: Sendable, Equatable {
    /// Tracked embeds at the start of the cycle.
    public var tracked: Int = 0
    /// Messages edited.
    public var edited: Int = 0
    /// Edits by reason (``ChangeDetector/Reason/kind``), for the benchmark and debugging.
    public var editReasons: [String: Int] = [:]
    /// Messages re-posted (30046) or posted anew.
    public var reposted: Int = 0
    /// Embeds no longer tracked (message or channel gone, server removed).
    public var dropped: Int = 0
    /// Edits that failed and will be retried.
    public var failed: Int = 0
    /// Servers whose panel request failed.
    public var panelErrors: Int = 0
    /// Panel requests made for resources.
    public var panelRequests: Int = 0
    /// Time spent waiting for the panel.
    public var panelDuration: Duration = .zero
    /// Whole cycle time.
    public var duration: Duration = .zero

    /// An empty report.
    public init() {}
}
