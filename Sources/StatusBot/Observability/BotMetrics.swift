import CoreMetrics
import Prometheus

/// The bot's Prometheus registry and the swift-metrics factory that writes into it. Every exporter takes the
/// factory, so tests read their own registry and nothing is global.
public final class BotMetrics: Sendable {
    /// The registry `/metrics` prints.
    public let registry: PrometheusCollectorRegistry
    /// Creates swift-metrics handles backed by ``registry``.
    public let factory: PrometheusMetricsFactory

    /// Creates an empty registry.
    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Panel polls take from milliseconds (a few servers) to minutes (hundreds under the request budget).
        factory.durationHistogramBuckets[CycleMetrics.pollDurationName] = [
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
            .seconds(2.5), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(120), .seconds(300),
        ]
        self.registry = registry
        self.factory = factory
    }

    /// The Prometheus text exposition of every metric.
    /// - Returns: UTF-8 bytes.
    public func exposition() -> [UInt8] {
        self.registry.emitToBuffer()
    }
}
