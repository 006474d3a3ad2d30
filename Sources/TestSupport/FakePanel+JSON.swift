/// A tiny JSON value for the fake panel's answers, rendered the way Laravel's `json_encode` does by default:
/// compact, `/` written as `\/`, and every non-ASCII character as `\uXXXX` (surrogate pairs beyond the BMP).
enum FakePanelJSON: Sendable {
    case object([(String, FakePanelJSON)])
    case array([FakePanelJSON])
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null

    /// `.string` for a value, `.null` for nil.
    static func optional(_ value: String?) -> FakePanelJSON { value.map(FakePanelJSON.string) ?? .null }

    /// `.int` for a value, `.null` for nil.
    static func optional(_ value: Int?) -> FakePanelJSON { value.map(FakePanelJSON.int) ?? .null }

    /// The rendered text.
    var rendered: String {
        var output = ""
        render(into: &output)
        return output
    }

    private func render(into output: inout String) {
        switch self {
        case .object(let members):
            output += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { output += "," }
                Self.renderString(member.0, into: &output)
                output += ":"
                member.1.render(into: &output)
            }
            output += "}"
        case .array(let elements):
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += "," }
                element.render(into: &output)
            }
            output += "]"
        case .string(let text):
            Self.renderString(text, into: &output)
        case .int(let value):
            output += String(value)
        case .double(let value):
            // PHP drops ".0" on whole floats, so `cpu_absolute` can arrive as an integer literal.
            output += value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        case .bool(let value):
            output += value ? "true" : "false"
        case .null:
            output += "null"
        }
    }

    private static func renderString(_ text: String, into output: inout String) {
        output += "\""
        for unit in text.utf16 {
            switch unit {
            case 0x22: output += "\\\""
            case 0x5C: output += "\\\\"
            case 0x2F: output += "\\/"
            case 0x0A: output += "\\n"
            case 0x0D: output += "\\r"
            case 0x09: output += "\\t"
            case 0x20..<0x7F: output.unicodeScalars.append(Unicode.Scalar(UInt8(unit)))
            default:
                let hex = String(unit, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        }
        output += "\""
    }
}
