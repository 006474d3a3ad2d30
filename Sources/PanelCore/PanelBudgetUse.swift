/// How much of one request budget a backend used in the last minute, for metrics and `/bot_status`.
public struct PanelBudgetUse: Sendable, Hashable {
    /// Which budget, e.g. `client` or `application` for Pterodactyl's two APIs.
    public var budget: String
    /// Requests granted in the last 60 seconds.
    public var requestsLastMinute: Int
    /// The budget's limit per minute.
    public var limitPerMinute: Int

    /// Creates a figure.
    /// - Parameters:
    ///   - budget: Which budget.
    ///   - requestsLastMinute: Requests granted in the last 60 seconds.
    ///   - limitPerMinute: The limit per minute.
    public init(budget: String, requestsLastMinute: Int, limitPerMinute: Int) {
        self.budget = budget
        self.requestsLastMinute = requestsLastMinute
        self.limitPerMinute = limitPerMinute
    }

    /// The share of the budget used, 0 when there is no limit.
    public var usedRatio: Double {
        limitPerMinute > 0 ? Double(requestsLastMinute) / Double(limitPerMinute) : 0
    }
}
