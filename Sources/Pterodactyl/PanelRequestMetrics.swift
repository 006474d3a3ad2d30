import ClientSupport
import CoreMetrics

/// What a ``DefaultPanelClient`` reports to swift-metrics, labelled by the panel's name: requests by route
/// template and status class, and their latency. Routes are templates (`/api/client/servers/{server}/resources`),
/// so a label never grows with the number of servers and never carries a key.
public struct PanelRequestMetrics: Sendable {
    private let factory: any MetricsFactory
    private let panel: String

    /// Creates the recorder.
    /// - Parameters:
    ///   - factory: The swift-metrics factory (the bot's Prometheus registry).
    ///   - panel: The panel's name, `default` for `[Pterodactyl]`.
    public init(factory: any MetricsFactory, panel: String) {
        self.factory = factory
        self.panel = panel
    }

    /// Counts nothing.
    public static let none = PanelRequestMetrics(factory: NOOPMetricsHandler.instance, panel: "")

    /// One attempt: its route, its HTTP status (nil when no answer came) and how long it took.
    func attempted(path: String, status: Int?, duration: Duration) {
        let route = Self.template(of: path)
        let statusClass = status.map { "\($0 / 100)xx" } ?? "transport_error"
        Counter(
            label: "pterodisbot_panel_requests_total",
            dimensions: [("panel", panel), ("route", route), ("status_class", statusClass)],
            factory: factory
        ).increment()
        Timer(
            label: "pterodisbot_panel_request_duration_seconds",
            dimensions: [("panel", panel), ("route", route)],
            factory: factory
        ).recordNanoseconds(Int64(duration.inSeconds * 1e9))
    }

    /// The path with server identifiers and node numbers replaced by `{server}` and `{node}`.
    static func template(of path: String) -> String {
        var segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        for index in segments.indices.dropFirst() {
            switch segments[index - 1] {
            case "servers": segments[index] = "{server}"
            case "nodes": segments[index] = "{node}"
            default: break
            }
        }
        return segments.joined(separator: "/")
    }
}
