import CoreMetrics
import Monitoring
import PanelCore
import Synchronization

/// Exports each node's allocation against its capacity, its servers and whether it answers, labelled by panel and
/// node name. Capacities are left out where the panel allows unlimited; series of a node no longer listed are
/// destroyed.
final class NodeMetrics: ObservationConsumer {
    private let factory: any MetricsFactory
    private let panel: String
    private let series = Mutex<[String: NodeSeries]>([:])

    /// Creates the exporter.
    /// - Parameters:
    ///   - factory: Where the metrics go.
    ///   - panel: The panel's name, the `panel` label.
    init(factory: any MetricsFactory, panel: String) {
        self.factory = factory
        self.panel = panel
    }

    /// The node listing (one Application API listing a minute at most, shared with the board and alerts).
    var wantsNodes: Bool { true }

    func consume(_ observation: Observation) async {
        guard case .cycle = observation.origin, let listing = observation.nodes, listing.fetchedAt != nil else {
            return
        }
        let names = listing.nodes.map(\.name)
        let verdicts = NodeVerdict.infer(
            nodeNames: names,
            servers: observation.servers.values,
            listFailure: observation.listFailure
        )
        let counts = NodeServerCount.count(nodeNames: names, servers: observation.servers.values)
        let gone: [NodeSeries] = series.withLock { series in
            for node in listing.nodes {
                let entry = series[node.name] ?? NodeSeries(panel: panel, node: node.name, factory: factory)
                series[node.name] = entry
                entry.record(node, verdict: verdicts[node.name], servers: counts[node.name])
            }
            let listed = Set(names)
            let removed = series.keys.filter { !listed.contains($0) }
            return removed.compactMap { series.removeValue(forKey: $0) }
        }
        for node in gone { node.destroy() }
    }
}

/// The series of one node.
private final class NodeSeries {
    private let labels: [(String, String)]
    private let factory: any MetricsFactory
    private var meters: [String: Meter] = [:]

    init(panel: String, node: String, factory: any MetricsFactory) {
        self.labels = [("panel", panel), ("node", node)]
        self.factory = factory
    }

    func record(_ node: PanelNodeSummary, verdict: NodeVerdict?, servers: NodeServerCount?) {
        set("pterodisbot_node_memory_allocated_bytes", Double(node.memoryAllocatedMiB) * 1_048_576)
        set("pterodisbot_node_memory_capacity_bytes", node.memoryCapacityMiB.map { Double($0) * 1_048_576 })
        set("pterodisbot_node_disk_allocated_bytes", Double(node.diskAllocatedMiB) * 1_048_576)
        set("pterodisbot_node_disk_capacity_bytes", node.diskCapacityMiB.map { Double($0) * 1_048_576 })
        set("pterodisbot_node_maintenance", node.isInMaintenance ? 1 : 0)
        set("pterodisbot_node_free_allocations", node.freeAllocations.map(Double.init))
        set("pterodisbot_node_servers", servers.map { Double($0.total) })
        set("pterodisbot_node_servers_running", servers.map { Double($0.running) })
        let up: Double? =
            switch verdict {
            case .reachable: 1
            case .unreachable: 0
            case .unknown, nil: nil
            }
        set("pterodisbot_node_up", up)
    }

    func destroy() {
        for meter in meters.values { meter.destroy() }
        meters.removeAll()
    }

    /// Records `value`, or removes the series when there is none (unlimited capacity, unknown health).
    private func set(_ label: String, _ value: Double?) {
        guard let value else {
            meters.removeValue(forKey: label)?.destroy()
            return
        }
        let meter = meters[label] ?? Meter(label: label, dimensions: labels, factory: factory)
        meters[label] = meter
        meter.set(value)
    }
}
