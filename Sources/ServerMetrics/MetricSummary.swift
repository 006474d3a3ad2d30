/// Direction of a series over its window.
public enum MetricTrend: String, Sendable, Hashable {
    /// Clearly going up.
    case rising
    /// Clearly going down.
    case falling
    /// Flat within the noise threshold.
    case stable
}

/// Summary statistics of one metric over a series.
public struct MetricSummary: Sendable, Equatable {
    /// The newest value.
    public var current: Double
    /// The smallest value.
    public var minimum: Double
    /// The largest value.
    public var maximum: Double
    /// The arithmetic mean.
    public var average: Double
    /// Direction from the least-squares slope.
    public var trend: MetricTrend

    /// Creates a summary from explicit figures.
    public init(current: Double, minimum: Double, maximum: Double, average: Double, trend: MetricTrend) {
        self.current = current
        self.minimum = minimum
        self.maximum = maximum
        self.average = average
        self.trend = trend
    }

    /// Summarises `values` (oldest first) after ``MetricSanitizer`` cleaning of non-finite and negative values;
    /// nil when empty.
    ///
    /// The trend compares the change the least-squares line predicts over the window with 5 % of the mean
    /// (at least 1 unit), so jitter reads as stable and a steady climb as rising.
    public init?(_ values: [Double]) {
        let clean = values.map { MetricSanitizer.clean($0) }
        guard let last = clean.last, let low = clean.min(), let high = clean.max() else { return nil }
        let mean = clean.reduce(0, +) / Double(clean.count)
        var trend = MetricTrend.stable
        if clean.count >= 2 {
            let n = Double(clean.count)
            let meanIndex = (n - 1) / 2
            var numerator = 0.0
            var denominator = 0.0
            for (index, value) in clean.enumerated() {
                let dx = Double(index) - meanIndex
                numerator += dx * (value - mean)
                denominator += dx * dx
            }
            let change = numerator / denominator * (n - 1)
            let threshold = max(1, 0.05 * abs(mean))
            if change > threshold {
                trend = .rising
            } else if change < -threshold {
                trend = .falling
            }
        }
        self.init(current: last, minimum: low, maximum: high, average: mean, trend: trend)
    }
}

/// Input hygiene for metric values before statistics or drawing.
public enum MetricSanitizer {
    /// Largest CPU value we believe without a limit: 1000 cores.
    public static let maximumCPUPercent = 100_000.0
    /// Largest memory value we believe without a limit: 16 TiB.
    public static let maximumMemoryMiB = 16.0 * 1024 * 1024

    /// NaN, ±∞ and negative values become 0; everything else is unchanged.
    public static func clean(_ value: Double) -> Double {
        value.isFinite && value > 0 ? value : 0
    }

    /// A CPU value cleaned and clamped to at most twice the limit (or ``maximumCPUPercent`` when unlimited).
    public static func cpu(_ value: Double, limitPercent: Double?) -> Double {
        let ceiling = limitPercent.map { $0 > 0 && $0.isFinite ? $0 * 2 : maximumCPUPercent } ?? maximumCPUPercent
        if value == .infinity { return ceiling }
        return min(clean(value), ceiling)
    }

    /// A memory value cleaned and clamped to at most twice the limit (or ``maximumMemoryMiB`` when unknown).
    public static func memory(_ value: Double, limitMiB: Double?) -> Double {
        let ceiling = limitMiB.map { $0 > 0 && $0.isFinite ? $0 * 2 : maximumMemoryMiB } ?? maximumMemoryMiB
        if value == .infinity { return ceiling }
        return min(clean(value), ceiling)
    }
}
