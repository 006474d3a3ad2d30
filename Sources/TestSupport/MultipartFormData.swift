/// One part of a `multipart/form-data` body.
public struct MultipartPart: Sendable, Equatable {
    /// The form field name, e.g. `payload_json` or `files[0]`.
    public var name: String
    /// The `filename` parameter, for file parts.
    public var filename: String?
    /// The part's `Content-Type`, if given.
    public var contentType: String?
    /// The part's bytes, exactly as sent.
    public var data: [UInt8]

    /// Creates a part.
    public init(name: String, filename: String? = nil, contentType: String? = nil, data: [UInt8]) {
        self.name = name
        self.filename = filename
        self.contentType = contentType
        self.data = data
    }
}

/// A small `multipart/form-data` parser (RFC 7578) for fakes that need to read uploads back.
public enum MultipartFormData {
    /// Errors for malformed bodies.
    public enum ParseError: Error, Equatable, CustomStringConvertible {
        /// The `Content-Type` has no `boundary` parameter.
        case missingBoundary
        /// The body does not have the expected structure.
        case malformed(String)

        /// A readable description.
        public var description: String {
            switch self {
            case .missingBoundary: "multipart Content-Type has no boundary"
            case .malformed(let why): "malformed multipart body: \(why)"
            }
        }
    }

    /// Extracts the boundary from a `multipart/form-data; boundary=...` header value.
    /// - Parameter contentType: The header value.
    /// - Returns: The boundary, or `nil`.
    public static func boundary(fromContentType contentType: String) -> String? {
        for parameter in contentType.split(separator: ";") {
            let trimmed = parameter.drop { $0 == " " }
            if trimmed.lowercased().hasPrefix("boundary=") {
                var value = String(trimmed.dropFirst("boundary=".count))
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                    value = String(value.dropFirst().dropLast())
                }
                return value
            }
        }
        return nil
    }

    /// Parses a body.
    /// - Parameters:
    ///   - body: The raw body.
    ///   - boundary: The boundary from the `Content-Type`.
    /// - Returns: The parts in order.
    /// - Throws: ``ParseError``.
    public static func parse(_ body: [UInt8], boundary: String) throws -> [MultipartPart] {
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [MultipartPart] = []
        guard var position = find(delimiter, in: body, from: 0) else { throw ParseError.malformed("no boundary") }
        position += delimiter.count
        while true {
            // After a delimiter: "--" ends the body, otherwise CRLF and a part follows.
            if body.count >= position + 2, body[position] == UInt8(ascii: "-"), body[position + 1] == UInt8(ascii: "-")
            {
                return parts
            }
            guard body.count >= position + 2, body[position] == 13, body[position + 1] == 10 else {
                throw ParseError.malformed("expected CRLF after boundary")
            }
            position += 2
            guard let headerEnd = find([13, 10, 13, 10], in: body, from: position) else {
                throw ParseError.malformed("part headers do not end")
            }
            let headerText = String(decoding: body[position..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + 4
            guard let next = find([13, 10] + delimiter, in: body, from: contentStart) else {
                throw ParseError.malformed("part does not end")
            }
            parts.append(try part(headers: headerText, data: Array(body[contentStart..<next])))
            position = next + 2 + delimiter.count
        }
    }

    private static func part(headers: String, data: [UInt8]) throws -> MultipartPart {
        var name: String?
        var filename: String?
        var contentType: String?
        for line in headers.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let field = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].drop { $0 == " " }
            if field == "content-type" {
                contentType = String(value)
            } else if field == "content-disposition" {
                for parameter in value.split(separator: ";") {
                    let trimmed = parameter.drop { $0 == " " }
                    guard let equals = trimmed.firstIndex(of: "=") else { continue }
                    let key = trimmed[..<equals].lowercased()
                    var text = String(trimmed[trimmed.index(after: equals)...])
                    if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 {
                        text = String(text.dropFirst().dropLast())
                    }
                    if key == "name" { name = text }
                    if key == "filename" { filename = text }
                }
            }
        }
        guard let name else { throw ParseError.malformed("part without a name") }
        return MultipartPart(name: name, filename: filename, contentType: contentType, data: data)
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        var index = start
        let last = haystack.count - needle.count
        let first = needle[0]
        while index <= last {
            if haystack[index] == first {
                var match = true
                for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                    match = false
                    break
                }
                if match { return index }
            }
            index += 1
        }
        return nil
    }
}
