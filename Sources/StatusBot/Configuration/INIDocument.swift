/// A parsed INI file: sections of `key = value` entries, as admins write `config.ini`.
///
/// Rules (the ones Python's configparser users expect): `[Section]` headers; `key = value` or `key: value`;
/// whole-line comments starting with `;` or `#`; inline comments after whitespace; values in single or double
/// quotes keep `;` and `#`; section and key names are case-insensitive; a UTF-8 byte-order mark and CRLF line
/// ends are accepted. Problems are collected, not thrown one by one, so an admin sees all of them at once.
public struct INIDocument: Sendable, Equatable {
    /// One `key = value` line.
    public struct Entry: Sendable, Equatable {
        /// The section name as written.
        public var section: String
        /// The key as written.
        public var key: String
        /// The value with quotes and inline comment removed.
        public var value: String
        /// 1-based line number in the file.
        public var line: Int
    }

    /// A problem found while reading, with its line number.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// 1-based line number, or `nil` for whole-file problems.
        public var line: Int?
        /// What is wrong and how to fix it.
        public var message: String

        public var description: String {
            if let line { return "line \(line): \(message)" }
            return message
        }
    }

    /// Every entry in file order (duplicates are reported, and the first one is kept).
    public private(set) var entries: [Entry] = []
    /// Syntax problems; an empty list means the file was read cleanly.
    public private(set) var problems: [Problem] = []

    /// Reads an INI document from raw bytes, rejecting text that is not UTF-8 or contains NUL bytes.
    /// - Parameter bytes: The file's content.
    public init(bytes: [UInt8]) {
        if bytes.contains(0) {
            self.init(problem: "the file contains NUL bytes: it is not a text INI file")
        } else if let text = String(validating: bytes, as: UTF8.self) {
            self.init(text: text)
        } else {
            self.init(problem: "the file is not valid UTF-8 text; save it as UTF-8")
        }
    }

    private init(problem: String) {
        problems = [Problem(line: nil, message: problem)]
    }

    /// Reads an INI document from text.
    /// - Parameter text: The file's content.
    public init(text: String) {
        var body = Substring(text)
        if body.hasPrefix("\u{FEFF}") { body = body.dropFirst() }
        var section: String?
        var seen: [String: Int] = [:]
        // Split on "\n" only: "\r\n" is one grapheme in Swift, so split on unicode scalars.
        let lines = body.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, scalars) in lines.enumerated() {
            let lineNumber = index + 1
            var line = Substring(String(String.UnicodeScalarView(scalars)))
            if line.hasSuffix("\r") { line = line.dropLast() }
            let trimmed = line.trimmingWhitespace()
            if trimmed.isEmpty || trimmed.hasPrefix(";") || trimmed.hasPrefix("#") { continue }
            if trimmed.hasPrefix("[") {
                guard let close = trimmed.firstIndex(of: "]") else {
                    problems.append(Problem(line: lineNumber, message: "section header has no closing ']'"))
                    section = nil
                    continue
                }
                let name = trimmed[trimmed.index(after: trimmed.startIndex)..<close].trimmingWhitespace()
                let rest = trimmed[trimmed.index(after: close)...].trimmingWhitespace()
                if name.isEmpty {
                    problems.append(Problem(line: lineNumber, message: "empty section name '[]'"))
                } else if !rest.isEmpty && !rest.hasPrefix(";") && !rest.hasPrefix("#") {
                    problems.append(Problem(line: lineNumber, message: "unexpected text after section header"))
                }
                section = name.isEmpty ? nil : String(name)
                continue
            }
            guard let delimiter = trimmed.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                problems.append(
                    Problem(line: lineNumber, message: "expected 'key = value', a '[Section]' or a comment")
                )
                continue
            }
            let key = trimmed[..<delimiter].trimmingWhitespace()
            guard !key.isEmpty else {
                problems.append(Problem(line: lineNumber, message: "missing key name before '='"))
                continue
            }
            guard let section else {
                problems.append(
                    Problem(
                        line: lineNumber,
                        message: "'\(key)' is outside any section; put it under a header such as [Discord]"
                    )
                )
                continue
            }
            let rawValue = trimmed[trimmed.index(after: delimiter)...]
            let value: String
            switch Self.parseValue(rawValue) {
            case .success(let parsed): value = parsed
            case .failure(let message):
                problems.append(Problem(line: lineNumber, message: "[\(section)] \(key): \(message)"))
                continue
            }
            let identity = Self.identity(section: section, key: String(key))
            if let firstLine = seen[identity] {
                problems.append(
                    Problem(
                        line: lineNumber,
                        message: "[\(section)] \(key) is set twice (first on line \(firstLine)); keep one"
                    )
                )
                continue
            }
            seen[identity] = lineNumber
            entries.append(Entry(section: section, key: String(key), value: value, line: lineNumber))
        }
    }

    /// The entry for `key` in `section`, compared case-insensitively.
    public func entry(section: String, key: String) -> Entry? {
        let identity = Self.identity(section: section, key: key)
        return entries.first { Self.identity(section: $0.section, key: $0.key) == identity }
    }

    static func identity(section: String, key: String) -> String {
        "\(section.lowercased())\u{0}\(key.lowercased())"
    }

    private enum ValueResult {
        case success(String)
        case failure(String)
    }

    private static func parseValue(_ raw: Substring) -> ValueResult {
        let text = raw.trimmingWhitespace()
        guard let quote = text.first, quote == "\"" || quote == "'" else {
            return .success(String(stripInlineComment(text)))
        }
        var value = ""
        var index = text.index(after: text.startIndex)
        while index < text.endIndex {
            let character = text[index]
            if character == "\\" && quote == "\"" {
                let next = text.index(after: index)
                guard next < text.endIndex else { break }
                value.append(text[next])
                index = text.index(after: next)
                continue
            }
            if character == quote {
                let rest = text[text.index(after: index)...].trimmingWhitespace()
                guard rest.isEmpty || rest.hasPrefix(";") || rest.hasPrefix("#") else {
                    return .failure("unexpected text after the closing quote")
                }
                return .success(value)
            }
            value.append(character)
            index = text.index(after: index)
        }
        return .failure("unterminated quoted value: add the closing \(quote)")
    }

    /// Removes a `;` or `#` comment that follows whitespace, as in `Key = value ; comment`.
    private static func stripInlineComment(_ text: Substring) -> Substring {
        var previousWasSpace = false
        for index in text.indices {
            let character = text[index]
            if (character == ";" || character == "#") && previousWasSpace {
                return text[..<index].trimmingWhitespace()
            }
            previousWasSpace = character == " " || character == "\t"
        }
        return text
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var result = self
        while let first = result.first, first.isWhitespace { result = result.dropFirst() }
        while let last = result.last, last.isWhitespace { result = result.dropLast() }
        return result
    }
}
