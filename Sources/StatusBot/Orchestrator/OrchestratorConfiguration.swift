/// Timing and limits of the update loop.
public struct OrchestratorConfiguration: Sendable {
    /// Time between cycles.
    public var updateInterval: Duration
    /// Longest time an embed goes without an edit.
    public var forceUpdateInterval: Duration
    /// CPU change (percentage points) that triggers an edit.
    public var cpuChangeThreshold: Double
    /// Discord edits in flight at once (the REST client queues per bucket; this bounds memory and fairness).
    public var editConcurrency: Int
    /// First back-off after Discord denies access to a channel; doubles up to ``maximumChannelBackoff``.
    public var channelBackoff: Duration
    /// Longest back-off for a channel the bot cannot write.
    public var maximumChannelBackoff: Duration
    /// How many recent cycles `/bot_status` summarises.
    public var historyLength: Int

    /// Creates a configuration; defaults match `config.ini.example`.
    public init(
        updateInterval: Duration = .seconds(10),
        forceUpdateInterval: Duration = .seconds(600),
        cpuChangeThreshold: Double = 50,
        editConcurrency: Int = 4,
        channelBackoff: Duration = .seconds(60),
        maximumChannelBackoff: Duration = .seconds(1800),
        historyLength: Int = 30
    ) {
        self.updateInterval = updateInterval
        self.forceUpdateInterval = forceUpdateInterval
        self.cpuChangeThreshold = cpuChangeThreshold
        self.editConcurrency = editConcurrency
        self.channelBackoff = channelBackoff
        self.maximumChannelBackoff = maximumChannelBackoff
        self.historyLength = historyLength
    }
}

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
}
