/// How one panel of several is doing: what `/bot_status` shows per panel.
public struct PanelReport: Sendable, Hashable {
    /// `NAME` of `[Panel:NAME]`, or `nil` for `[Pterodactyl]`.
    public var name: String?
    /// What users see the panel called.
    public var displayName: String
    /// Mean time of its recent usage rounds; `nil` before the first.
    public var averageLatency: Duration?
    /// Usage requests in the recent rounds.
    public var requests: Int
    /// Of those, the failed ones.
    public var failures: Int
    /// Its request budgets.
    public var budgets: [PanelBudgetUse]
    /// Set while its list fails as unreachable.
    public var outage: PanelFailure?

    /// Creates a report.
    public init(
        name: String?,
        displayName: String,
        averageLatency: Duration?,
        requests: Int,
        failures: Int,
        budgets: [PanelBudgetUse],
        outage: PanelFailure?
    ) {
        self.name = name
        self.displayName = displayName
        self.averageLatency = averageLatency
        self.requests = requests
        self.failures = failures
        self.budgets = budgets
        self.outage = outage
    }

    /// Failed over all requests; `nil` without requests.
    public var errorRate: Double? { requests > 0 ? Double(failures) / Double(requests) : nil }
}
