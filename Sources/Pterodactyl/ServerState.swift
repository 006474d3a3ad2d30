/// What the bot shows for a server: a power state reported by Wings, or a state derived from the panel's answer.
///
/// Power states come from `/resources` `current_state` (pterodactyl/wings `environment/environment.go`); the others
/// from the server list (`status`, `is_transferring`) or from the error a request got (409, 504, 404, no answer).
public enum ServerState: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// The egg's "done" line was seen; the server is up.
    case running
    /// The container started but the server is not ready yet.
    case starting
    /// A stop or restart is in progress.
    case stopping
    /// The container is not running. Unknown power states (e.g. `stopped`) count as offline.
    case offline
    /// Suspended by an administrator (409 on `/resources`).
    case suspended
    /// Installing, or the install failed (409 on `/resources`).
    case installing
    /// Being moved to another node (409 on `/resources`).
    case transferring
    /// Restoring a backup (409 on `/resources`).
    case restoringBackup
    /// The server's node is in maintenance mode (409 on `/resources`).
    case nodeMaintenance
    /// The panel answered but could not reach Wings on the server's node (504 `DaemonConnectionException`).
    case nodeOffline
    /// The panel no longer knows this server, or the key may not see it (404).
    case removed
    /// The panel itself did not answer: connection refused, timeout, DNS failure, or its proxy's 5xx page.
    case panelUnreachable

    /// Maps Wings' `current_state` to a power state; anything unknown is ``offline``.
    /// - Parameter powerState: The raw `current_state` string.
    public init(powerState: String) {
        switch powerState {
        case "running": self = .running
        case "starting": self = .starting
        case "stopping": self = .stopping
        default: self = .offline
        }
    }

    /// True for the four states Wings reports; false for states derived from errors or the panel's status.
    public var isPowerState: Bool {
        switch self {
        case .running, .starting, .stopping, .offline: true
        default: false
        }
    }

    /// A lowercase human-readable name, e.g. `restoring backup`.
    public var description: String {
        switch self {
        case .running: "running"
        case .starting: "starting"
        case .stopping: "stopping"
        case .offline: "offline"
        case .suspended: "suspended"
        case .installing: "installing"
        case .transferring: "transferring"
        case .restoringBackup: "restoring backup"
        case .nodeMaintenance: "node in maintenance"
        case .nodeOffline: "node offline"
        case .removed: "removed"
        case .panelUnreachable: "panel unreachable"
        }
    }
}

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

/// The panel's `status` column for a server (`app/Models/Server.php` `STATUS_*`), decoded tolerantly.
public enum PanelStatus: Sendable, Hashable, CustomStringConvertible {
    /// `null`: installed and not suspended.
    case normal
    /// `installing`.
    case installing
    /// `install_failed`.
    case installFailed
    /// `reinstall_failed` (the panel raises no conflict for it).
    case reinstallFailed
    /// `suspended`.
    case suspended
    /// `restoring_backup`.
    case restoringBackup
    /// Any value this version does not know.
    case unknown(String)

    /// Maps the raw value; `nil` is ``normal``.
    /// - Parameter raw: The `status` field.
    public init(raw: String?) {
        switch raw {
        case nil: self = .normal
        case "installing": self = .installing
        case "install_failed": self = .installFailed
        case "reinstall_failed": self = .reinstallFailed
        case "suspended": self = .suspended
        case "restoring_backup": self = .restoringBackup
        case let other?: self = .unknown(other)
        }
    }

    /// The raw value as the panel sends it (`nil` for ``normal``).
    public var rawValue: String? {
        switch self {
        case .normal: nil
        case .installing: "installing"
        case .installFailed: "install_failed"
        case .reinstallFailed: "reinstall_failed"
        case .suspended: "suspended"
        case .restoringBackup: "restoring_backup"
        case .unknown(let raw): raw
        }
    }

    /// The raw value, or `normal`.
    public var description: String { rawValue ?? "normal" }
}
