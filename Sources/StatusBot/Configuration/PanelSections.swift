import DiscordModels
import PanelCore
import Pterodactyl

extension BotConfiguration {
    /// A `[Panel:NAME]` section: one more panel next to `[Pterodactyl]`.
    public struct NamedPanel: Sendable, Equatable {
        /// `NAME`: letters, digits and `-`; servers of this panel are `NAME:identifier`.
        public var name: String
        /// The kind and its settings.
        public var kind: Kind

        /// A panel kind with its settings.
        public enum Kind: Sendable, Equatable {
            /// Pterodactyl or Pelican (`Type = pterodactyl` or `pelican`): the same settings as `[Pterodactyl]`.
            case pterodactyl(Panel, pelican: Bool)
            /// A PEON orchestrator.
            case peon(PeonPanel)
        }

        /// The panel's base URL.
        public var url: String {
            switch kind {
            case .pterodactyl(let panel, _): panel.url
            case .peon(let panel): panel.url
            }
        }
    }

    /// The settings of a PEON orchestrator.
    public struct PeonPanel: Sendable, Equatable {
        /// Base URL without a trailing slash, e.g. `http://peon.orc:5000`.
        public var url: String
        /// `X-Api-Key`: the orchestrator's `API_KEY`.
        public var apiKey: Secret
        /// The path before the routes: `/api/v1`, or `/api/1.0` for releases before mid-2023.
        public var apiPrefix: String
    }
}

/// The keys a `[Panel:NAME]` section may hold, with their environment names (`PANEL_<NAME>_<KEY>`).
enum PanelSectionKey: String, CaseIterable {
    case type = "Type"
    case url = "URL"
    case clientAPIKey = "ClientAPIKey"
    case applicationAPIKey = "ApplicationAPIKey"
    case apiKey = "APIKey"
    case apiPrefix = "APIPrefix"
    case clientRateLimit = "ClientRateLimitPerMinute"
    case applicationRateLimit = "ApplicationRateLimitPerMinute"
    case maxConcurrentRequests = "MaxConcurrentRequests"
    case liveStats = "LiveStats"

    /// Upper snake case: `ClientAPIKey` → `CLIENT_API_KEY`.
    var environmentSuffix: String {
        switch self {
        case .type: "TYPE"
        case .url: "URL"
        case .clientAPIKey: "CLIENT_API_KEY"
        case .applicationAPIKey: "APPLICATION_API_KEY"
        case .apiKey: "API_KEY"
        case .apiPrefix: "API_PREFIX"
        case .clientRateLimit: "CLIENT_RATE_LIMIT_PER_MINUTE"
        case .applicationRateLimit: "APPLICATION_RATE_LIMIT_PER_MINUTE"
        case .maxConcurrentRequests: "MAX_CONCURRENT_REQUESTS"
        case .liveStats: "LIVE_STATS"
        }
    }

    var meaning: String {
        switch self {
        case .type: "pterodactyl, pelican or peon"
        case .url: "Base URL of the panel"
        case .clientAPIKey: "Client API key (Pterodactyl and Pelican)"
        case .applicationAPIKey: "Application API key, optional (Pterodactyl and Pelican)"
        case .apiKey: "X-Api-Key of the PEON orchestrator (its API_KEY)"
        case .apiPrefix: "PEON's route prefix: /api/v1, or /api/1.0 before mid-2023"
        case .clientRateLimit: "Client API requests per minute the bot allows itself"
        case .applicationRateLimit: "Application API requests per minute the bot allows itself"
        case .maxConcurrentRequests: "Panel requests in flight at once (1..64)"
        case .liveStats: "Usage from Wings websockets: auto, on or off (Pterodactyl and Pelican)"
        }
    }

    var isSecret: Bool { self == .clientAPIKey || self == .applicationAPIKey || self == .apiKey }

    /// The setting of panel `name` (`section` as written in the file).
    func spec(section: String, name: String, required: Bool, default value: String? = nil) -> SettingSpec {
        SettingSpec(
            section: section,
            key: rawValue,
            environmentVariable: Self.environmentPrefix + Self.environmentName(of: name) + "_" + environmentSuffix,
            defaultValue: value,
            isOptional: !required,
            isSecret: isSecret,
            meaning: meaning
        )
    }

    static let sectionPrefix = "Panel:"
    static let environmentPrefix = "PANEL_"

    /// `my-home` → `MY_HOME`.
    static func environmentName(of name: String) -> String {
        String(name.uppercased().map { $0 == "-" ? "_" : $0 })
    }

    /// Letters, digits and `-`, at most 32 characters, and not the default panel's name.
    static func isValidName(_ name: String) -> Bool {
        (1...32).contains(name.count) && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            && name.lowercased() != PanelBackends.defaultPanelName
    }
}

extension SettingReader {
    /// The `[Panel:NAME]` sections, plus panels given only in the environment (`PANEL_<NAME>_TYPE`); each checked
    /// on its own, every message naming its panel. Two panels with one URL are an error; two sections with one
    /// name are one section written twice, which the file's own check already refuses key by key.
    /// - Parameter defaultURL: `[Pterodactyl] PanelURL`, which no other panel may repeat.
    mutating func namedPanels(defaultURL: String?) -> [BotConfiguration.NamedPanel] {
        var panels: [BotConfiguration.NamedPanel] = []
        var seenURLs: [String: String] = [:]
        if let defaultURL { seenURLs[Self.urlIdentity(defaultURL)] = "[Pterodactyl]" }
        for (section, name) in panelSections() {
            let sectionName = "[\(section)]"
            guard PanelSectionKey.isValidName(name) else {
                report(
                    ConfigurationIssue(
                        .error,
                        sectionName,
                        "'\(name)' is not a panel name: use up to 32 letters, digits and '-' (and not 'default'), "
                            + "e.g. [Panel:home]"
                    )
                )
                continue
            }
            guard let panel = namedPanel(section: section, name: name) else { continue }
            let urlIdentity = Self.urlIdentity(panel.url)
            if let earlier = seenURLs[urlIdentity] {
                report(
                    ConfigurationIssue(
                        .error,
                        "\(sectionName) URL",
                        "'\(panel.url)' is already the URL of \(earlier); one panel is configured once"
                    )
                )
                continue
            }
            seenURLs[urlIdentity] = sectionName
            panels.append(panel)
        }
        return panels
    }

    /// Section names and panel names, in file order, then the environment's own panels.
    private func panelSections() -> [(section: String, name: String)] {
        var found: [(section: String, name: String)] = []
        var known = Set<String>()
        for entry in documentEntries {
            guard entry.section.lowercased().hasPrefix(PanelSectionKey.sectionPrefix.lowercased()) else { continue }
            let name = String(entry.section.dropFirst(PanelSectionKey.sectionPrefix.count))
            guard known.insert(entry.section.lowercased()).inserted else { continue }
            found.append((entry.section, name))
        }
        let fileNames = Set(found.map { PanelSectionKey.environmentName(of: $0.name) })
        let typeSuffix = "_\(PanelSectionKey.type.environmentSuffix)"
        for variable in environmentNames.sorted()
        where variable.hasPrefix(PanelSectionKey.environmentPrefix) && variable.hasSuffix(typeSuffix) {
            let upper = variable.dropFirst(PanelSectionKey.environmentPrefix.count).dropLast(typeSuffix.count)
            guard !upper.isEmpty, !fileNames.contains(String(upper)) else { continue }
            let name = String(upper.lowercased().map { $0 == "_" ? "-" : $0 })
            found.append(("\(PanelSectionKey.sectionPrefix)\(name)", name))
        }
        return found
    }

    private mutating func namedPanel(section: String, name: String) -> BotConfiguration.NamedPanel? {
        func spec(_ key: PanelSectionKey, required: Bool = false, default value: String? = nil) -> SettingSpec {
            key.spec(section: section, name: name, required: required, default: value)
        }
        let typeSpec = spec(.type, required: true)
        guard let typeText = text(typeSpec) else { return nil }
        let url = url(spec(.url, required: true), carrying: "the panel's API key")
        switch typeText.lowercased() {
        case "pterodactyl", "pelican":
            let panel = BotConfiguration.Panel(
                url: url ?? "",
                clientAPIKey: panelKey(spec(.clientAPIKey, required: true), check: PanelBackends.checkClientKey)
                    ?? Secret(""),
                applicationAPIKey: panelKey(spec(.applicationAPIKey), check: PanelBackends.checkApplicationKey),
                clientRateLimitPerMinute: integer(spec(.clientRateLimit, default: "720"), in: 1...100_000) ?? 720,
                applicationRateLimitPerMinute: integer(spec(.applicationRateLimit, default: "240"), in: 1...100_000)
                    ?? 240,
                maxConcurrentRequests: integer(spec(.maxConcurrentRequests, default: "8"), in: 1...64) ?? 8,
                liveStats: choice(spec(.liveStats, default: "auto"), LiveStatsMode.self) ?? .auto
            )
            refuseKeys([.apiKey, .apiPrefix], of: "Pterodactyl and Pelican", section: section, name: name)
            guard url != nil, !panel.clientAPIKey.exposedValue.isEmpty else { return nil }
            return .init(name: name, kind: .pterodactyl(panel, pelican: typeText.lowercased() == "pelican"))
        case "peon":
            let key = panelKey(spec(.apiKey, required: true), check: PanelBackends.checkPeonKey)
            let prefix = apiPrefix(spec(.apiPrefix, default: "/api/v1"))
            refuseKeys(
                [.clientAPIKey, .applicationAPIKey, .clientRateLimit, .applicationRateLimit, .liveStats],
                of: "PEON",
                section: section,
                name: name
            )
            guard let url, let key, let prefix else { return nil }
            return .init(name: name, kind: .peon(BotConfiguration.PeonPanel(url: url, apiKey: key, apiPrefix: prefix)))
        default:
            fail(typeSpec, "'\(typeText)' is not a panel type; use pterodactyl, pelican or peon")
            return nil
        }
    }

    /// A key that belongs to the other kinds of panel is a mistake worth an error (a PEON key under
    /// `ClientAPIKey` would otherwise be ignored silently).
    private mutating func refuseKeys(_ keys: [PanelSectionKey], of kind: String, section: String, name: String) {
        for key in keys {
            let spec = key.spec(section: section, name: name, required: false)
            let identity = INIDocument.identity(section: section, key: key.rawValue)
            let inFile = documentEntries.contains { INIDocument.identity(section: $0.section, key: $0.key) == identity }
            guard inFile || isSetInEnvironment(spec) else { continue }
            fail(spec, "is not a setting of \(kind) panels; remove it (see config.ini.example for each type's keys)")
        }
    }

    private mutating func apiPrefix(_ spec: SettingSpec) -> String? {
        guard let value = text(spec) else { return nil }
        var prefix = value
        while prefix.hasSuffix("/") { prefix.removeLast() }
        guard prefix.hasPrefix("/"), !prefix.contains(".."),
            prefix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "/-_.".contains($0)) })
        else {
            fail(spec, "'\(value)' is not a path; use /api/v1 (current PEON) or /api/1.0 (releases before mid-2023)")
            return nil
        }
        return prefix
    }

    /// Lower-cased, without trailing slashes, so `https://Panel.host/` and `https://panel.host` are one panel.
    static func urlIdentity(_ url: String) -> String {
        var identity = url.lowercased()
        while identity.hasSuffix("/") { identity.removeLast() }
        return identity
    }

    /// Whether an entry belongs to a `[Panel:NAME]` section with a key those sections take.
    static func isPanelSetting(_ entry: INIDocument.Entry) -> Bool {
        entry.section.lowercased().hasPrefix(PanelSectionKey.sectionPrefix.lowercased())
            && PanelSectionKey.allCases.contains { $0.rawValue.lowercased() == entry.key.lowercased() }
    }
}
