import DequeModule

/// The last ``capacity`` samples of one server, oldest first; appending beyond capacity drops the oldest.
///
/// A plain value: it knows nothing of clocks or I/O.
public struct MetricSeries: Sendable, Equatable {
    /// How many samples a series keeps (one minute at the 10 s poll interval).
    public static let capacity = 6

    private var storage: Deque<MetricPoint> = []

    /// Creates an empty series, or one holding the last ``capacity`` of `points`.
    public init(_ points: some Sequence<MetricPoint> = [MetricPoint]()) {
        for point in points { append(point) }
    }

    /// Adds a sample in O(1), dropping the oldest when full.
    public mutating func append(_ point: MetricPoint) {
        if storage.count == Self.capacity {
            storage.removeFirst()
        }
        storage.append(point)
    }

    /// The samples, oldest first.
    public var points: [MetricPoint] { Array(storage) }

    /// Number of samples held.
    public var count: Int { storage.count }

    /// True when no sample is held.
    public var isEmpty: Bool { storage.isEmpty }

    /// True once the series is full, which is when a graph is worth drawing.
    public var hasEnoughData: Bool { storage.count >= Self.capacity }

    /// The newest sample.
    public var latest: MetricPoint? { storage.last }

    /// Summary of the CPU values, or nil for an empty series.
    public var cpuSummary: MetricSummary? { MetricSummary(storage.map(\.cpuPercent)) }

    /// Summary of the memory values, or nil for an empty series.
    public var memorySummary: MetricSummary? { MetricSummary(storage.map(\.memoryMiB)) }
}
