import CoreMetrics
import Monitoring
import Pterodactyl
import Synchronization

/// Exports what live stats are doing after each cycle, per panel: sockets live and connecting, servers polled
/// instead, and nodes fallen back to polling. A panel whose live stats stopped (a reload) loses its series.
final class LiveStatsMetrics: ObservationConsumer {
    private let factory: any MetricsFactory
    private let host: LiveStatsHost
    private let series = Mutex<[String: [String: Gauge]]>([:])

    /// Creates the exporter.
    /// - Parameters:
    ///   - factory: Where the metrics go.
    ///   - host: Runs the panels' live-stats backends.
    init(factory: any MetricsFactory, host: LiveStatsHost) {
        self.factory = factory
        self.host = host
    }

    func consume(_ observation: Observation) async {
        guard case .cycle = observation.origin else { return }
        var figures: [String: [String: Double]] = [:]
        for (panel, backend) in host.backends {
            let status = await backend.liveStatus()
            figures[panel] = [
                "pterodisbot_live_sockets_open": Double(status.liveSockets),
                "pterodisbot_live_sockets_connecting": Double(status.connectingSockets),
                "pterodisbot_live_servers_polled": Double(status.polledServers),
                "pterodisbot_live_nodes_fallen_back": Double(status.fallingBack.count),
            ]
        }
        let gone: [Gauge] = series.withLock { series in
            for (panel, values) in figures {
                var gauges = series[panel] ?? [:]
                for (name, value) in values {
                    let gauge = gauges[name] ?? Gauge(label: name, dimensions: [("panel", panel)], factory: factory)
                    gauges[name] = gauge
                    gauge.record(value)
                }
                series[panel] = gauges
            }
            let stopped = series.keys.filter { figures[$0] == nil }
            return stopped.flatMap { series.removeValue(forKey: $0)?.values.map { $0 } ?? [] }
        }
        for gauge in gone { gauge.destroy() }
    }
}
