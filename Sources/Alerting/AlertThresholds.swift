/// When conditions become alerts and when alerts clear. Every figure has a default suited to a small hosting panel.
public struct AlertThresholds: Sendable, Hashable {
    /// A server's CPU use, in percent of its CPU limit, at or above which a CPU alert may open.
    public var serverCPUPercent: Double
    /// A server's memory use, in percent of its memory limit, at or above which a memory alert may open.
    public var serverMemoryPercent: Double
    /// A server's disk use, in percent of its disk limit, at or above which a disk alert may open.
    public var serverDiskPercent: Double
    /// Memory allocated to a node's servers, in percent of the node's capacity, at or above which an alert opens.
    public var nodeMemoryPercent: Double
    /// Disk allocated to a node's servers, in percent of the node's capacity, at or above which an alert opens.
    public var nodeDiskPercent: Double
    /// How long a server's CPU, memory or disk must stay at or above its threshold before the alert opens.
    public var sustainFor: Duration
    /// How long a server may stay in `starting` before it counts as stuck.
    public var stuckStartingFor: Duration
    /// Percentage points below a threshold at which a threshold alert clears at once.
    public var hysteresisPoints: Double
    /// Consecutive good cycles after which an open alert clears.
    public var goodCyclesToClear: Int
    /// An alert that fires again sooner than this after it resolved re-opens instead of posting anew.
    public var minimumRepostInterval: Duration
    /// Percentage points an open alert's figure must move before the alert counts as updated (message re-rendered).
    public var updateStepPoints: Double

    /// Creates thresholds; every argument has the documented default.
    /// - Parameters:
    ///   - serverCPUPercent: Percent of the server's CPU limit (default 80).
    ///   - serverMemoryPercent: Percent of the server's memory limit (default 90).
    ///   - serverDiskPercent: Percent of the server's disk limit (default 95).
    ///   - nodeMemoryPercent: Percent of the node's memory capacity allocated (default 90).
    ///   - nodeDiskPercent: Percent of the node's disk capacity allocated (default 95).
    ///   - sustainFor: How long a server figure must stay high (default 300 s).
    ///   - stuckStartingFor: How long `starting` may last (default 300 s).
    ///   - hysteresisPoints: The band below a threshold that does not clear at once (default 10).
    ///   - goodCyclesToClear: Good cycles in a row that clear an alert (default 2).
    ///   - minimumRepostInterval: The flapping window (default 10 min).
    ///   - updateStepPoints: How far a figure must move to re-render the alert (default 5).
    public init(
        serverCPUPercent: Double = 80,
        serverMemoryPercent: Double = 90,
        serverDiskPercent: Double = 95,
        nodeMemoryPercent: Double = 90,
        nodeDiskPercent: Double = 95,
        sustainFor: Duration = .seconds(300),
        stuckStartingFor: Duration = .seconds(300),
        hysteresisPoints: Double = 10,
        goodCyclesToClear: Int = 2,
        minimumRepostInterval: Duration = .seconds(600),
        updateStepPoints: Double = 5
    ) {
        self.serverCPUPercent = serverCPUPercent
        self.serverMemoryPercent = serverMemoryPercent
        self.serverDiskPercent = serverDiskPercent
        self.nodeMemoryPercent = nodeMemoryPercent
        self.nodeDiskPercent = nodeDiskPercent
        self.sustainFor = sustainFor
        self.stuckStartingFor = stuckStartingFor
        self.hysteresisPoints = hysteresisPoints
        self.goodCyclesToClear = goodCyclesToClear
        self.minimumRepostInterval = minimumRepostInterval
        self.updateStepPoints = updateStepPoints
    }
}
