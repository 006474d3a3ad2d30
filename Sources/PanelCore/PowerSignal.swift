/// A power action for `POST /api/client/servers/{server}/power`.
///
/// The panel's 204 only means Wings accepted the request; watch `/resources` for the result.
public enum PowerSignal: String, Sendable, Hashable, Codable, CaseIterable {
    /// Start an offline server.
    case start
    /// Stop gracefully.
    case stop
    /// Stop, then start.
    case restart
    /// Kill the container immediately.
    case kill
}
