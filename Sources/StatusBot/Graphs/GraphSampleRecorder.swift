import Monitoring
import PanelCore

/// Feeds the graphs: every new usage sample of a running server goes into its series; a server that stopped or
/// went away loses its series (a graph of an earlier run would mislead).
public struct GraphSampleRecorder: ObservationConsumer {
    private let graphs: any StatusGraphing

    /// Creates the recorder.
    /// - Parameter graphs: Where samples go.
    public init(graphs: any StatusGraphing) {
        self.graphs = graphs
    }

    public func consume(_ observation: Observation) async {
        for (id, server) in observation.servers {
            if server.state == .removed {
                await graphs.forget(id)
                continue
            }
            guard server.isNewSample, let usage = server.usage, let sampledAt = server.sampledAt else { continue }
            if usage.state == .running {
                await graphs.record(usage, for: server.server, at: sampledAt)
            } else {
                await graphs.forget(id)
            }
        }
    }
}
