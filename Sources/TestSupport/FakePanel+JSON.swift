/// A tiny JSON value for the fakes' answers, in member order, rendered the way the faked service writes it: by
/// default as Laravel's `json_encode` (compact, `/` written as `\/`), for PEON as Python's `json.dumps`
/// (Flask-RESTful: `", "` and `": "` separators); every non-ASCII character as `\uXXXX` in both.
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

    /// Whose encoder the text imitates.
    enum Dialect {
        /// PHP's `json_encode` (Laravel): compact, `/` escaped.
        case laravel
        /// Python's `json.dumps` defaults (Flask-RESTful, PEON): spaced separators, `/` as is.
        case python
        /// Go's `encoding/json` (Wings): compact, `/` as is, `<`, `>` and `&` as `\u003c` and so on.
        case go
    }

    /// The rendered text, as Laravel writes it.
    var rendered: String { rendered(as: .laravel) }

    /// The rendered text.
    /// - Parameter dialect: Whose encoder to imitate.
    func rendered(as dialect: Dialect) -> String {
        var output = ""
        render(into: &output, dialect)
        return output
    }

    private func render(into output: inout String, _ dialect: Dialect) {
        let (comma, colon) = dialect == .python ? (", ", ": ") : (",", ":")
        switch self {
        case .object(let members):
            output += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { output += comma }
                Self.renderString(member.0, into: &output, dialect)
                output += colon
                member.1.render(into: &output, dialect)
            }
            output += "}"
        case .array(let elements):
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += comma }
                element.render(into: &output, dialect)
            }
            output += "]"
        case .string(let text):
            Self.renderString(text, into: &output, dialect)
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

    private static func renderString(_ text: String, into output: inout String, _ dialect: Dialect) {
        output += "\""
        for unit in text.utf16 {
            switch unit {
            case 0x22: output += "\\\""
            case 0x5C: output += "\\\\"
            case 0x2F where dialect == .laravel: output += "\\/"
            case 0x26, 0x3C,
                0x3E where dialect == .go:
                output += "\\u00" + String(unit, radix: 16)
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
