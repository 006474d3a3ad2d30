import PanelCore

/// A panel API key whose `description` never shows the secret.
///
/// Pterodactyl keys are a 16-character identifier (5-character prefix + 11 random characters) followed by a
/// 32-character secret. Pterodactyl prefixes client keys with `ptlc_` and application keys with `ptla_`; Pelican
/// uses `pacc_` and `papp_`. Keys created before Pterodactyl v1.8.0 have no prefix: the panel takes the key type
/// from its database row, so an unprefixed key is valid and only its kind is unknown.
/// See `app/Models/ApiKey.php` in pterodactyl/panel.
public struct PanelAPIKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// What the key's prefix says it is.
    public enum Kind: Sendable, Hashable, CustomStringConvertible {
        /// A client (account) key: `ptlc_` or Pelican's `pacc_`. Valid on `/api/client`.
        case client
        /// An application key: `ptla_` or Pelican's `papp_`. Valid on `/api/application` only.
        case application
        /// A key without a known prefix (made before Pterodactyl v1.8.0); its kind is unknown.
        case legacyUnprefixed

        /// A short human-readable name.
        public var description: String {
            switch self {
            case .client: "client key"
            case .application: "application key"
            case .legacyUnprefixed: "unprefixed key"
            }
        }
    }

    private static let clientPrefixes = ["ptlc_", "pacc_"]
    private static let applicationPrefixes = ["ptla_", "papp_"]

    private let raw: String

    /// Wraps a key as read from configuration; surrounding whitespace is removed.
    /// - Parameter raw: The key text.
    public init(_ raw: String) {
        self.raw = raw.trimmingWhitespace()
    }

    /// The kind the prefix announces.
    public var kind: Kind {
        if Self.clientPrefixes.contains(where: raw.hasPrefix) { return .client }
        if Self.applicationPrefixes.contains(where: raw.hasPrefix) { return .application }
        return .legacyUnprefixed
    }

    /// True when the key is empty.
    public var isEmpty: Bool { raw.isEmpty }

    /// The prefix (if any) and the last four characters, e.g. `ptlc_****abcd`; short keys show only `****`.
    public var redacted: String {
        let prefix = kind == .legacyUnprefixed ? "" : String(raw.prefix(5))
        guard raw.count >= 16 else { return prefix + "****" }
        return prefix + "****" + String(raw.suffix(4))
    }

    /// The key itself, for the `Authorization` header only. Never log or print it.
    public var exposedValue: String { raw }

    /// The redacted form.
    public var description: String { redacted }

    /// The redacted form.
    public var debugDescription: String { "PanelAPIKey(\(redacted))" }

    /// A mirror that shows only the redacted form, so `dump` cannot leak the key.
    public var customMirror: Mirror { Mirror(self, children: ["redacted": redacted]) }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}

extension PanelAPIKey {
    /// Checks that this key is of the kind a setting expects, with wording that says how to fix it.
    /// - Parameters:
    ///   - expected: the kind the setting holds (client or application).
    ///   - settingOf: where each kind of key is configured, e.g. `[Pterodactyl] ClientAPIKey`.
    /// - Returns: accepted, a warning for an unprefixed (pre-v1.8) key, or why the key cannot work here.
    public func verdict(expected: Kind, settingOf: (Kind) -> String) -> PanelCredentialVerdict {
        let kind = self.kind
        switch kind {
        case expected:
            return .accepted
        case .client, .application:
            return .rejected(
                "this is \(kind.article) (\(self.raw.prefix(5))…), not \(expected.article): move it to "
                    + "\(settingOf(kind)) and put \(expected.article) here (\(expected.whereToCreate))"
            )
        case .legacyUnprefixed:
            guard self.raw.count == 48, self.raw.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                return .rejected(
                    "does not look like a panel API key (expected \(expected.prefixes) followed by 43 letters "
                        + "and digits); create \(expected.article) under \(expected.whereToCreate)"
                )
            }
            return .acceptedWithWarning(
                "key has no \(expected.prefixes) prefix (made before panel v1.8); it still works, "
                    + "but a new key is recommended"
            )
        }
    }
}

/// Wording for configuration messages about each kind of panel key (the kind comes from the key's prefix).
extension PanelAPIKey.Kind {
    /// The kind with its article, e.g. "a client API key".
    public var article: String {
        switch self {
        case .client: "a client API key"
        case .application: "an application API key"
        case .legacyUnprefixed: "an unprefixed key"
        }
    }

    /// The prefixes keys of this kind start with.
    public var prefixes: String {
        switch self {
        case .client: "ptlc_ (or Pelican pacc_)"
        case .application: "ptla_ (or Pelican papp_)"
        case .legacyUnprefixed: "no"
        }
    }

    /// Where in the panel such a key is made.
    public var whereToCreate: String {
        switch self {
        case .client: "the panel's Account → API Credentials"
        case .application: "the panel's Admin → Application API"
        case .legacyUnprefixed: "the panel"
        }
    }
}
