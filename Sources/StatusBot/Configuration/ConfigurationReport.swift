import DiscordModels

/// Renders the effective configuration for `pterodisbot check-config`: every setting, its value (secrets
/// redacted) and where it came from, then any warnings.
public enum ConfigurationReport {
    /// The report text.
    public static func render(_ configuration: BotConfiguration) -> String {
        var lines = ["Configuration is valid."]
        var section = ""
        let keyWidth = configuration.effectiveSettings.map(\.spec.key.count).max() ?? 0
        for setting in configuration.effectiveSettings {
            if setting.spec.section != section {
                section = setting.spec.section
                lines.append("[\(section)]")
            }
            let key = setting.spec.key + String(repeating: " ", count: keyWidth - setting.spec.key.count)
            let value = setting.source == .unset ? "(not set)" : setting.displayValue
            lines.append("  \(key) = \(value)    (\(setting.source))")
        }
        if !configuration.warnings.isEmpty {
            lines.append("Warnings:")
            lines += configuration.warnings.map { "  - \($0)" }
        }
        return lines.joined(separator: "\n")
    }
}

extension BotConfiguration {
    /// Every secret value, so the log handler can scrub them if one ever slips into a message.
    public var secretValues: [String] {
        var values = [
            panel.clientAPIKey.exposedValue, panel.applicationAPIKey?.exposedValue, discord?.token.exposedValue,
        ]
        for named in namedPanels {
            switch named.kind {
            case .pterodactyl(let panel, _):
                values += [panel.clientAPIKey.exposedValue, panel.applicationAPIKey?.exposedValue]
            case .peon(let panel):
                values.append(panel.apiKey.exposedValue)
            }
        }
        return values.compactMap { $0 }.filter { !$0.isEmpty }
    }
}
