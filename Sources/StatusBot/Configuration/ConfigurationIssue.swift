/// One problem found in the configuration, naming where it is and how to fix it.
public struct ConfigurationIssue: Sendable, Equatable, CustomStringConvertible {
    /// Errors stop the bot; warnings are printed and the bot runs.
    public enum Severity: String, Sendable {
        case error
        case warning
    }

    /// Error or warning.
    public var severity: Severity
    /// `[Section] Key` (or the file name for whole-file problems).
    public var location: String
    /// What is wrong and how to fix it. Never contains a secret value.
    public var message: String

    /// Creates an issue.
    public init(_ severity: Severity, _ location: String, _ message: String) {
        self.severity = severity
        self.location = location
        self.message = message
    }

    public var description: String { "\(severity.rawValue): \(location): \(message)" }
}

/// The configuration could not be used; every problem found is listed at once.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// All errors and warnings, in the order of the settings table.
    public var issues: [ConfigurationIssue]

    /// Creates an error from its issues.
    public init(issues: [ConfigurationIssue]) { self.issues = issues }

    /// The errors only.
    public var errors: [ConfigurationIssue] { issues.filter { $0.severity == .error } }

    public var description: String {
        let count = errors.count
        var lines = ["Configuration is invalid (\(count) error\(count == 1 ? "" : "s")):"]
        lines += issues.map { "  - \($0)" }
        return lines.joined(separator: "\n")
    }
}
