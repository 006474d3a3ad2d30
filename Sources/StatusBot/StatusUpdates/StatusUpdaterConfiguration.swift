/// Timing and limits of the status-message updates.
public struct StatusUpdaterConfiguration: Sendable {
    /// Time between cycles (shown in the footer; the monitor runs the cycles).
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
    /// The player count must cross a multiple of this for an edit of players alone (`[Players] ChangeStep`).
    public var playersChangeStep: Int

    /// Creates a configuration; defaults match `config.ini.example`.
    public init(
        updateInterval: Duration = .seconds(10),
        forceUpdateInterval: Duration = .seconds(600),
        cpuChangeThreshold: Double = 50,
        editConcurrency: Int = 4,
        channelBackoff: Duration = .seconds(60),
        maximumChannelBackoff: Duration = .seconds(1800),
        historyLength: Int = 30,
        playersChangeStep: Int = 1
    ) {
        self.updateInterval = updateInterval
        self.forceUpdateInterval = forceUpdateInterval
        self.cpuChangeThreshold = cpuChangeThreshold
        self.editConcurrency = editConcurrency
        self.channelBackoff = channelBackoff
        self.maximumChannelBackoff = maximumChannelBackoff
        self.historyLength = historyLength
        self.playersChangeStep = playersChangeStep
    }
}
