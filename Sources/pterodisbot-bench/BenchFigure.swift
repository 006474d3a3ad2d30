#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One measured figure, printed as one JSON object per line.
struct BenchFigure: Sendable, Encodable {
    /// Stable machine-readable name, e.g. `graph.render_combined.median_ms`.
    var name: String
    /// The measured value.
    var value: Double
    /// Unit of `value`, e.g. `ms`, `us`, `bytes`, `count`.
    var unit: String
    /// Extra context (sample count, configuration, goal).
    var context: [String: String] = [:]
}

/// Timing helpers shared by all benchmark cases.
enum Measure {
    /// Runs `body` `iterations` times after `warmup` untimed runs and returns each run's duration.
    static func durations(
        iterations: Int,
        warmup: Int = 3,
        _ body: () throws -> Void
    ) rethrows -> [Duration] {
        let clock = ContinuousClock()
        for _ in 0..<warmup { try body() }
        var result: [Duration] = []
        result.reserveCapacity(iterations)
        for _ in 0..<iterations {
            result.append(try clock.measure { try body() })
        }
        return result
    }

    /// Async variant of ``durations(iterations:warmup:_:)``.
    static func durations(
        iterations: Int,
        warmup: Int = 1,
        _ body: () async throws -> Void
    ) async rethrows -> [Duration] {
        let clock = ContinuousClock()
        for _ in 0..<warmup { try await body() }
        var result: [Duration] = []
        result.reserveCapacity(iterations)
        for _ in 0..<iterations {
            let start = clock.now
            try await body()
            result.append(clock.now - start)
        }
        return result
    }

    /// The median of `values` in milliseconds.
    static func medianMilliseconds(_ values: [Duration]) -> Double {
        median(values.map { Double($0.components.seconds) * 1e3 + Double($0.components.attoseconds) / 1e15 })
    }

    /// The median of plain numbers (the mean of the middle two for an even count).
    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}
