import PanelCore

/// The key PEON checks in the `X-Api-Key` header (reference §2), wrapped so that `description`, `dump` and log
/// metadata never show it.
///
/// PEON has no per-user keys: one key (the orchestrator's `API_KEY` environment variable) controls every server,
/// including power. Its published defaults are therefore worth a warning (``isPublishedDefault``).
public struct PeonAPIKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The defaults anyone can read in PEON's source and documentation (reference §2): `Zu88Zu88` in current
    /// releases, `my-super-secret-api-key` in the older docs.
    public static let publishedDefaults: [String] = ["Zu88Zu88", "my-super-secret-api-key"]

    private let raw: String

    /// Wraps a key as read from configuration; surrounding whitespace is removed.
    /// - Parameter raw: The key text.
    public init(_ raw: String) {
        var scalars = Substring(raw)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        self.raw = String(scalars)
    }

    /// True when the key is empty.
    public var isEmpty: Bool { raw.isEmpty }

    /// The key itself, for the `X-Api-Key` header only. Never log or print it.
    public var exposedValue: String { raw }

    /// True when the key is one of PEON's published defaults (reference §2): whoever reaches the orchestrator's
    /// port can then start and stop every game server.
    public var isPublishedDefault: Bool { Self.publishedDefaults.contains(raw) }

    /// The warning to show at start-up and in the settings check when ``isPublishedDefault``, else `nil`. It names
    /// no key.
    public var publishedDefaultWarning: String? {
        guard isPublishedDefault else { return nil }
        return "this is one of PEON's published default API keys: anyone who can reach the orchestrator's port can "
            + "list, start, stop and restart every game server on the host. Set a long random API_KEY in the "
            + "orchestrator's environment and configure the bot with the same key"
    }

    /// What the settings check says about this key before it is ever sent.
    /// - Returns: `rejected` for an empty key or one that cannot travel in an HTTP header, a warning for a
    ///   published default, `accepted` otherwise.
    public func verdict() -> PanelCredentialVerdict {
        if raw.isEmpty {
            return .rejected("no PEON API key is configured (it is the orchestrator's API_KEY environment variable)")
        }
        // A header value cannot hold control characters; AsyncHTTPClient would refuse the request.
        if raw.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return .rejected("the PEON API key contains control characters (a pasted line break?)")
        }
        if let warning = publishedDefaultWarning { return .acceptedWithWarning(warning) }
        return .accepted
    }

    /// `PeonAPIKey(****)`.
    public var description: String { "PeonAPIKey(****)" }

    /// Same as ``description``.
    public var debugDescription: String { description }

    /// A mirror without children, so `dump` and reflection-based loggers see no value.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
