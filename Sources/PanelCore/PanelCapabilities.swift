/// What a backend offers, so commands and buttons can offer only what works.
public struct PanelCapabilities: Sendable, Hashable {
    /// The power signals the backend accepts.
    public var powerSignals: Set<PowerSignal>
    /// Whether ``PanelBackend/nodes()`` lists the host machines.
    public var listsNodes: Bool
    /// Whether servers carry addresses (allocations) players connect to.
    public var hasAddresses: Bool

    /// Creates a capability set.
    public init(powerSignals: Set<PowerSignal>, listsNodes: Bool, hasAddresses: Bool) {
        self.powerSignals = powerSignals
        self.listsNodes = listsNodes
        self.hasAddresses = hasAddresses
    }
}
