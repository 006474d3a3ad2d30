import DiscordModels
import GameQuery
import Logging
import PanelCore
import Pterodactyl

/// Resolves each setting (environment, then file, then default), validates it and collects issues.
struct SettingReader {
    private let document: INIDocument?
    private let environment: [String: String]
    private let scope: BotConfiguration.Scope
    private(set) var issues: [ConfigurationIssue] = []
    private(set) var effective: [EffectiveSetting] = []

    init(document: INIDocument?, environment: [String: String], scope: BotConfiguration.Scope) {
        self.document = document
        self.environment = environment
        self.scope = scope
        for problem in document?.problems ?? [] {
            let location = problem.line.map { "config.ini line \($0)" } ?? "config.ini"
            issues.append(ConfigurationIssue(.error, location, problem.message))
        }
    }

    func isSetInEnvironment(_ spec: SettingSpec) -> Bool {
        environmentValue(spec) != nil
    }

    mutating func warn(_ location: String, _ message: String) {
        issues.append(ConfigurationIssue(.warning, location, message))
    }

    mutating func report(_ issue: ConfigurationIssue) {
        issues.append(issue)
    }

    mutating func fail(_ spec: SettingSpec, _ message: String) {
        issues.append(ConfigurationIssue(.error, spec.location, message))
    }

    // MARK: - Typed readers

    /// Reads a URL setting: scheme and host required, the example's placeholder refused, and a warning when it is
    /// `http://` to a host that is not loopback.
    /// - Parameters:
    ///   - spec: The setting.
    ///   - carrying: What the bot sends to that URL, named in the cleartext warning (e.g. "the panel API keys").
    mutating func url(_ spec: SettingSpec, carrying secrets: String) -> String? {
        guard let value = read(spec) else { return nil }
        let lowered = value.lowercased()
        guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://") else {
            fail(spec, "'\(value)' must start with http:// or https://, e.g. https://panel.mygame.host")
            return nil
        }
        let afterScheme = value.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        let host = afterScheme.count > 2 ? afterScheme[2] : ""
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "\t" }) else {
            fail(spec, "'\(value)' has no host name; write it like https://panel.mygame.host")
            return nil
        }
        let hostName = host.split(separator: ":").first.map(String.init)?.lowercased() ?? ""
        if hostName == "example.com" || hostName.hasSuffix(".example.com") {
            fail(spec, "still the example's placeholder '\(value)'; put your own address here")
            return nil
        }
        if let warning = Self.cleartextWarning(url: value, carrying: secrets) {
            warn(spec.location, warning)
        }
        var trimmed = value
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        return trimmed
    }

    /// The warning for an `http://` URL whose host is not loopback (`localhost`, `127.0.0.0/8`, `::1`): anyone on
    /// the path can read what the bot sends there. `nil` for `https://` and for loopback.
    /// - Parameters:
    ///   - url: The URL as configured.
    ///   - secrets: What travels to it, e.g. "the panel API keys".
    /// - Returns: The warning text (names the fix), or `nil`.
    static func cleartextWarning(url: String, carrying secrets: String) -> String? {
        guard url.lowercased().hasPrefix("http://") else { return nil }
        let host = host(of: url)
        guard !isLoopback(host) else { return nil }
        return "uses http:// to \(host): \(secrets) and every answer travel in cleartext, readable by anyone on the "
            + "network path; use https:// (put the service behind TLS), or http:// only to localhost/127.0.0.1"
    }

    /// The lower-cased host of an `http(s)://` URL, without user info, port or IPv6 brackets.
    static func host(of url: String) -> String {
        var rest = Substring(url)
        if let scheme = rest.firstRange(of: "://") { rest = rest[scheme.upperBound...] }
        rest = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            return String(rest[rest.index(after: rest.startIndex)..<close]).lowercased()
        }
        return String(rest.prefix { $0 != ":" }).lowercased()
    }

    /// Whether a host name or address is this machine's loopback.
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host.hasSuffix(".localhost") || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// Reads a panel key and applies its backend's check of the key's form.
    mutating func panelKey(_ spec: SettingSpec, check: (String) -> PanelCredentialVerdict) -> Secret? {
        guard let value = read(spec, secret: true) else { return nil }
        switch check(value) {
        case .accepted:
            return Secret(value)
        case .acceptedWithWarning(let message):
            warn(spec.location, message)
            return Secret(value)
        case .rejected(let message):
            fail(spec, message)
            return nil
        }
    }

    mutating func discordToken(_ spec: SettingSpec) -> Secret? {
        guard let value = read(spec, secret: true) else { return nil }
        if value.lowercased().hasPrefix("bot ") {
            fail(spec, "remove the 'Bot ' prefix: paste only the token itself")
            return nil
        }
        if value.contains(where: \.isWhitespace) {
            fail(spec, "contains spaces; paste the token from Developer Portal → Bot → Reset Token exactly")
            return nil
        }
        if value.split(separator: ".", omittingEmptySubsequences: false).count != 3 {
            warn(spec.location, "does not look like a bot token (three parts separated by dots)")
        }
        return Secret(value)
    }

    mutating func snowflake(_ spec: SettingSpec) -> GuildID? {
        discordID(spec, what: "ID", copy: "right-click the server icon and choose Copy Server ID").map { GuildID($0) }
    }

    mutating func channel(_ spec: SettingSpec) -> ChannelID? {
        discordID(spec, what: "channel ID", copy: "right-click the channel and choose Copy Channel ID")
            .map { ChannelID($0) }
    }

    /// A Discord snowflake; a bad one is an error saying how to copy the right one.
    private mutating func discordID(_ spec: SettingSpec, what: String, copy: String) -> String? {
        guard let value = read(spec) else { return nil }
        guard Self.isSnowflake(value) else {
            fail(spec, "'\(value)' is not a Discord \(what) (17 to 20 digits); enable Developer Mode, \(copy)")
            return nil
        }
        return value
    }

    mutating func roles(_ spec: SettingSpec) -> [AllowedRole]? {
        guard let value = read(spec) else { return nil }
        let parts = value.split(separator: ",").map { String(Substring($0).trimmingWhitespace()) }
        let roles = parts.filter { !$0.isEmpty }.map { part -> AllowedRole in
            Self.isSnowflake(part) ? .id(RoleID(part)) : .name(part)
        }
        if roles.isEmpty {
            fail(spec, "lists no role; give role IDs or role names separated by commas")
            return nil
        }
        return roles
    }

    mutating func integer(_ spec: SettingSpec, in range: ClosedRange<Int>) -> Int? {
        guard let value = read(spec) else { return nil }
        guard let number = Int(value), range.contains(number) else {
            fail(spec, "'\(value)' must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return number
    }

    mutating func decimal(_ spec: SettingSpec, in range: ClosedRange<Double>) -> Double? {
        guard let value = read(spec) else { return nil }
        guard let number = Double(value), number.isFinite, range.contains(number) else {
            fail(spec, "'\(value)' must be a number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return number
    }

    mutating func path(_ spec: SettingSpec) -> String? {
        read(spec)
    }

    /// A plain text setting.
    mutating func text(_ spec: SettingSpec) -> String? {
        read(spec)
    }

    /// The file's entries, in order.
    var documentEntries: [INIDocument.Entry] { document?.entries ?? [] }

    /// The names of the environment's variables.
    var environmentNames: [String] { Array(environment.keys) }

    mutating func listenAddress(_ spec: SettingSpec) -> ListenAddress? {
        guard let value = read(spec) else { return nil }
        guard let address = ListenAddress(value) else {
            fail(
                spec,
                "'\(value)' is not host:port; use e.g. 127.0.0.1:9464, 0.0.0.0:9464 (every interface) or [::]:9464"
            )
            return nil
        }
        return address
    }

    mutating func choice<T: ConfigChoice>(_ spec: SettingSpec, _ type: T.Type) -> T? {
        guard let value = read(spec) else { return nil }
        guard let choice = T(configValue: value) else {
            fail(spec, "'\(value)' is not one of: \(T.allConfigValues.joined(separator: ", "))")
            return nil
        }
        return choice
    }

    mutating func flag(_ spec: SettingSpec) -> Bool? {
        guard let value = read(spec) else { return nil }
        switch value.lowercased() {
        case "yes", "true", "on", "1": return true
        case "no", "false", "off", "0": return false
        default:
            fail(spec, "'\(value)' is not yes or no")
            return nil
        }
    }

    /// The `[Players] Server.<identifier>` lines, or `Server.<panel>.<identifier>` for a `[Panel:NAME]` (or the
    /// default panel's name): `java`, `bedrock`, `a2s` or `none`, optionally followed by `@host:port`.
    /// - Parameter panels: The names of the configured `[Panel:NAME]` sections.
    mutating func playerOverrides(panels: [String] = []) -> [ServerID: PlayerQueryOverride] {
        var overrides: [ServerID: PlayerQueryOverride] = [:]
        for entry in document?.entries ?? [] where Self.isPlayerOverride(entry) {
            let location = "config.ini line \(entry.line)"
            var name = entry.key.dropFirst("Server.".count)
            var panel: String?
            // Default-panel identifiers hold no dot, so a dot means a panel name comes first.
            if let dot = name.firstIndex(of: ".") {
                let prefix = String(name[..<dot])
                if prefix.lowercased() != PanelBackends.defaultPanelName {
                    guard let known = panels.first(where: { $0.lowercased() == prefix.lowercased() }) else {
                        report(
                            ConfigurationIssue(
                                .error,
                                location,
                                "[Players] \(entry.key): no panel named '\(prefix)'; use Server.<identifier> for "
                                    + "[Pterodactyl] or Server.<panel>.<identifier> for a [Panel:NAME]"
                            )
                        )
                        continue
                    }
                    panel = known
                }
                name = name[name.index(after: dot)...]
            }
            guard let override = Self.playerOverride(entry.value) else {
                report(
                    ConfigurationIssue(
                        .error,
                        location,
                        "[Players] \(entry.key): '\(entry.value)' is not java, bedrock, a2s or none, "
                            + "optionally followed by @host:port (e.g. a2s@play.example.com:27015)"
                    )
                )
                continue
            }
            overrides[ServerID(panel: panel, local: String(name))] = override
        }
        return overrides
    }

    static func isPlayerOverride(_ entry: INIDocument.Entry) -> Bool {
        entry.section.lowercased() == "players" && entry.key.lowercased().hasPrefix("server.")
            && entry.key.count > "Server.".count
    }

    static func playerOverride(_ text: String) -> PlayerQueryOverride? {
        let parts = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
            .map { $0.trimmingWhitespace() }
        guard let first = parts.first, !first.isEmpty else { return nil }
        let name = first.lowercased()
        if name == "none" { return parts.count == 1 ? PlayerQueryOverride.none : nil }
        guard let chosen = GameQueryProtocol(rawValue: name) else { return nil }
        guard parts.count == 2 else { return .query(chosen, host: nil, port: nil) }
        guard let address = ListenAddress(String(parts[1])) else { return nil }
        return .query(chosen, host: address.host, port: address.port)
    }

    /// Warns about keys in the file that no setting reads (usually typos).
    mutating func reportUnknownKeys() {
        let known = Set(SettingSpec.all.map { INIDocument.identity(section: $0.section, key: $0.key) })
        for entry in document?.entries ?? []
        where !known.contains(INIDocument.identity(section: entry.section, key: entry.key))
            && !Self.isPlayerOverride(entry) && !Self.isPanelSetting(entry)
        {
            warn("config.ini line \(entry.line)", "unknown setting [\(entry.section)] \(entry.key) is ignored")
        }
    }

    // MARK: - Resolution

    /// The setting's value after layering, or `nil` when absent, empty or a placeholder (with the issue recorded).
    private mutating func read(_ spec: SettingSpec, secret: Bool = false) -> String? {
        if scope == .panelOnly && spec.section == "Discord" { return nil }
        let resolved: (value: String, source: EffectiveSetting.Source)?
        if let value = environmentValue(spec) {
            resolved = (value, .environment(spec.environmentVariable))
        } else if let entry = document?.entry(section: spec.section, key: spec.key) {
            resolved = (entry.value, .file(line: entry.line))
        } else if let value = spec.defaultValue {
            resolved = (value, .defaultValue)
        } else {
            resolved = nil
        }
        guard let resolved, !resolved.value.isEmpty else {
            effective.append(EffectiveSetting(spec: spec, displayValue: "", source: .unset))
            if !spec.isOptional {
                fail(
                    spec,
                    "is missing; set it in config.ini or with the environment variable \(spec.environmentVariable)"
                )
            }
            return nil
        }
        let display = spec.isSecret ? Self.redact(resolved.value) : resolved.value
        effective.append(EffectiveSetting(spec: spec, displayValue: display, source: resolved.source))
        if Self.isPlaceholder(resolved.value, spec: spec) {
            // A placeholder is not a secret, so it is shown as written.
            fail(spec, "still the example's placeholder '\(resolved.value)'; replace it with your own value")
            return nil
        }
        return resolved.value
    }

    private func environmentValue(_ spec: SettingSpec) -> String? {
        guard let value = environment[spec.environmentVariable] else { return nil }
        let trimmed = String(Substring(value).trimmingWhitespace())
        return trimmed.isEmpty ? nil : trimmed
    }

    // MARK: - Helpers

    /// Values copied from `config.ini.example` that mean "not filled in yet".
    static let placeholders: [SettingSpec: Set<String>] = [
        .allowedGuildID: ["123456789012345678"],
        .allowedRoles: ["234567890123456789, Game Admin"],
    ]

    static func isPlaceholder(_ value: String, spec: SettingSpec) -> Bool {
        if value.contains("...") || value.contains("…") { return true }
        return placeholders[spec]?.contains(value) ?? false
    }

    static func isSnowflake(_ text: String) -> Bool {
        (17...20).contains(text.count) && text.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// `ptlc_****abcd`: a kind prefix (four letters and `_`, as panels mark their keys) and the last four
    /// characters of a long secret; `****` otherwise.
    static func redact(_ secret: String) -> String {
        guard secret.count >= 16 else { return "****" }
        let head = secret.prefix(5)
        let hasKindPrefix = head.last == "_" && head.dropLast().allSatisfy { $0.isASCII && $0.isLowercase }
        let prefix = hasKindPrefix ? String(head) : ""
        return "\(prefix)****\(secret.suffix(4))"
    }
}

/// An enum read from a config value.
protocol ConfigChoice {
    init?(configValue: String)
    static var allConfigValues: [String] { get }
}

extension GatewayCompressionSetting: ConfigChoice {
    init?(configValue: String) { self.init(rawValue: configValue.lowercased()) }
    static var allConfigValues: [String] { allCases.map(\.rawValue) }
}

extension Logger.Level: ConfigChoice {
    static var allConfigValues: [String] { allCases.map(\.rawValue) }
}

extension LiveStatsMode: ConfigChoice {
    init?(configValue: String) { self.init(rawValue: configValue.lowercased()) }
    static var allConfigValues: [String] { allCases.map(\.rawValue) }
}
