import PanelCore

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
