/// Turns Minecraft's formatted text into plain text.
///
/// Reference (`game-queries.md` §1): the status `description` is a chat component or a plain string, and
/// may be an object with `text` and `extra`. Older servers colour text with legacy `§` codes instead.
public enum MinecraftText {
    /// Removes legacy formatting: `§` and the one character after it (colour `0-9a-f`, style `k-o`, reset `r`).
    /// - Parameter text: Text as the server sent it.
    /// - Returns: The text without formatting codes.
    public static func strippingLegacyCodes(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        var skipNext = false
        for scalar in text.unicodeScalars {
            if skipNext {
                skipNext = false
            } else if scalar == "\u{A7}" {
                skipNext = true
            } else {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }
}

/// A chat component: a string, an object with `text` and `extra` children, or a list of components.
/// Keys other than `text` and `extra` (colour, bold, click events, ...) carry no text and are ignored.
indirect enum ChatComponent: Decodable, Equatable, Sendable {
    case text(String, extra: [ChatComponent])
    case list([ChatComponent])

    private enum CodingKeys: String, CodingKey {
        case text
        case extra
    }

    init(from decoder: any Decoder) throws {
        let single = try decoder.singleValueContainer()
        // Probing the three JSON shapes a component may take; a failed probe is not an error.
        if let text = try? single.decode(String.self) {
            self = .text(text, extra: [])
        } else if let list = try? single.decode([ChatComponent].self) {
            self = .list(list)
        } else {
            let object = try decoder.container(keyedBy: CodingKeys.self)
            let text = (try? object.decodeIfPresent(String.self, forKey: .text)) ?? ""
            let extra = (try? object.decodeIfPresent([ChatComponent].self, forKey: .extra)) ?? []
            self = .text(text, extra: extra)
        }
    }

    /// The text of this component and its children in reading order, legacy codes removed.
    var plainText: String {
        var output = ""
        append(to: &output)
        return MinecraftText.strippingLegacyCodes(output)
    }

    private func append(to output: inout String) {
        switch self {
        case .text(let text, let extra):
            output += text
            for child in extra { child.append(to: &output) }
        case .list(let children):
            for child in children { child.append(to: &output) }
        }
    }
}
