/// What a configuration reload changes about the panels and thresholds, and which other settings it cannot apply
/// while the bot runs. Pure: the reloader logs it and the composition applies it.
public struct PanelReload: Sendable, Equatable {
    /// `[Panel:NAME]` sections that are new.
    public var added: [String] = []
    /// `[Panel:NAME]` sections that are gone.
    public var removed: [String] = []
    /// Panels whose settings changed (`default` for `[Pterodactyl]`): rebuilt with the new keys and budgets.
    public var changed: [String] = []
    /// Panels that stay as they are (`nil` for `[Pterodactyl]`), keeping their budget and last list.
    public var unchanged: Set<String?> = []
    /// Thresholds (`[Section] Key`) that differ and are put in force at once.
    public var appliedLive: [String] = []
    /// Other settings (`[Section] Key`) that differ but take effect only after a restart.
    public var needsRestart: [String] = []

    /// The thresholds a reload puts in force without a restart.
    static let liveSettings: Set<SettingSpec> = [
        .cpuChangeThreshold, .alertsServerCPUPercent, .alertsServerMemoryPercent, .alertsServerDiskPercent,
        .alertsNodeMemoryPercent, .alertsNodeDiskPercent, .alertsSustainFor,
    ]

    /// Compares the running configuration with the one just read.
    /// - Parameters:
    ///   - old: The running configuration.
    ///   - new: The configuration read now.
    /// - Returns: The differences.
    public init(from old: BotConfiguration, to new: BotConfiguration) {
        if old.panel == new.panel {
            unchanged.insert(nil)
        } else {
            changed.append(PanelBackends.defaultPanelName)
        }
        let before = Dictionary(old.namedPanels.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let after = Set(new.namedPanels.map(\.name))
        for panel in new.namedPanels {
            switch before[panel.name] {
            case nil: added.append(panel.name)
            case panel: unchanged.insert(panel.name)
            default: changed.append(panel.name)
            }
        }
        removed = old.namedPanels.map(\.name).filter { !after.contains($0) }
        let live = Set(Self.liveSettings.map(\.location))
        let others = Self.otherChanges(from: old, to: new)
        appliedLive = others.filter { live.contains($0) }
        needsRestart = others.filter { !live.contains($0) }
    }

    /// Whether the reload changes anything at all.
    public var isEmpty: Bool {
        added.isEmpty && removed.isEmpty && changed.isEmpty && appliedLive.isEmpty && needsRestart.isEmpty
    }

    /// One line for the log: `panels added: home; removed: lab; changed: default`.
    public var summary: String {
        var parts: [String] = []
        if !added.isEmpty { parts.append("added: \(added.joined(separator: ", "))") }
        if !removed.isEmpty { parts.append("removed: \(removed.joined(separator: ", "))") }
        if !changed.isEmpty { parts.append("changed: \(changed.joined(separator: ", "))") }
        var summary = parts.isEmpty ? "panels unchanged" : "panels " + parts.joined(separator: "; ")
        if !appliedLive.isEmpty { summary += "; now in force: \(appliedLive.joined(separator: ", "))" }
        return summary
    }

    /// Settings outside the panels whose shown value or source differs (secrets compare by their redaction).
    private static func otherChanges(from old: BotConfiguration, to new: BotConfiguration) -> [String] {
        func values(_ configuration: BotConfiguration) -> [String: String] {
            var values: [String: String] = [:]
            for setting in configuration.effectiveSettings where !Self.isPanelSetting(setting.spec) {
                values[setting.spec.location] = setting.displayValue
            }
            return values
        }
        let before = values(old)
        let after = values(new)
        var changed = Set(before.keys.filter { after[$0] != before[$0] })
        changed.formUnion(after.keys.filter { before[$0] == nil && !(after[$0] ?? "").isEmpty })
        if old.players.overrides != new.players.overrides { changed.insert("[Players] Server.<identifier>") }
        return changed.sorted()
    }

    private static func isPanelSetting(_ spec: SettingSpec) -> Bool {
        spec.section == SettingSpec.panelURL.section
            || spec.section.lowercased().hasPrefix(PanelSectionKey.sectionPrefix.lowercased())
    }
}
