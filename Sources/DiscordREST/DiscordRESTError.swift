#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Discord's JSON error codes. A struct rather than an enum so codes Discord adds later still decode.
/// See https://discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes
public struct DiscordErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The numeric code.
    public var rawValue: Int

    /// Wraps a code.
    public init(rawValue: Int) {
        self.rawValue = rawValue
    }

    /// 10003 Unknown Channel.
    public static let unknownChannel = DiscordErrorCode(rawValue: 10003)
    /// 10004 Unknown Guild.
    public static let unknownGuild = DiscordErrorCode(rawValue: 10004)
    /// 10008 Unknown Message (deleted, or never existed).
    public static let unknownMessage = DiscordErrorCode(rawValue: 10008)
    /// 10015 Unknown Webhook (also an expired interaction token).
    public static let unknownWebhook = DiscordErrorCode(rawValue: 10015)
    /// 10062 Unknown Interaction (not answered within 3 s, or already expired).
    public static let unknownInteraction = DiscordErrorCode(rawValue: 10062)
    /// 30046 Maximum number of edits to messages older than 1 hour reached.
    public static let tooManyEditsToOldMessage = DiscordErrorCode(rawValue: 30046)
    /// 40060 Interaction has already been acknowledged.
    public static let interactionAlreadyAcknowledged = DiscordErrorCode(rawValue: 40060)
    /// 50027 Invalid Webhook Token (an interaction token past its 15-minute life, answered with HTTP 401).
    public static let invalidWebhookToken = DiscordErrorCode(rawValue: 50027)
    /// 50001 Missing Access.
    public static let missingAccess = DiscordErrorCode(rawValue: 50001)
    /// 50013 Missing Permissions.
    public static let missingPermissions = DiscordErrorCode(rawValue: 50013)
    /// 50035 Invalid Form Body.
    public static let invalidFormBody = DiscordErrorCode(rawValue: 50035)

    /// A short name for known codes.
    public var name: String? {
        switch rawValue {
        case 10003: "Unknown Channel"
        case 10004: "Unknown Guild"
        case 10008: "Unknown Message"
        case 10015: "Unknown Webhook"
        case 10062: "Unknown Interaction"
        case 30046: "Too many edits to a message older than one hour"
        case 40060: "Interaction has already been acknowledged"
        case 50001: "Missing Access"
        case 50013: "Missing Permissions"
        case 50027: "Invalid Webhook Token"
        case 50035: "Invalid Form Body"
        default: nil
        }
    }

    /// `10008 (Unknown Message)` or just the number.
    public var description: String { name.map { "\(rawValue) (\($0))" } ?? String(rawValue) }
}

/// A decoded Discord error body: `{"code": 50035, "message": "...", "errors": {...}}`.
/// See https://discord.com/developers/docs/reference#error-messages (`ErrorResponse` in the spec).
public struct DiscordErrorBody: Sendable, Hashable {
    /// Discord's error code (0 for general errors such as a plain 401).
    public var code: DiscordErrorCode
    /// Discord's message.
    public var message: String
    /// Per-field problems, flattened: `embeds.0.title: Must be 256 or fewer in length.`, sorted by path.
    public var fieldErrors: [String]

    /// Creates an error body.
    public init(code: DiscordErrorCode, message: String, fieldErrors: [String] = []) {
        self.code = code
        self.message = message
        self.fieldErrors = fieldErrors
    }

    /// Parses Discord's JSON error body; `nil` when the body is not such an object.
    /// - Parameter body: The response body.
    public init?(json body: [UInt8]) {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(body)),
            case .object(let object) = value,
            case .number(let code)? = object["code"]
        else { return nil }
        self.code = DiscordErrorCode(rawValue: Int(code))
        if case .string(let message)? = object["message"] {
            self.message = message
        } else {
            self.message = ""
        }
        var lines: [String] = []
        if let errors = object["errors"] { Self.flatten(errors, path: [], into: &lines) }
        self.fieldErrors = lines
    }

    private static func flatten(_ value: JSONValue, path: [String], into lines: inout [String]) {
        guard case .object(let object) = value else { return }
        if case .array(let errors)? = object["_errors"] {
            let where_ = path.isEmpty ? "(body)" : path.joined(separator: ".")
            for error in errors {
                guard case .object(let fields) = error else { continue }
                var text = ""
                if case .string(let message)? = fields["message"] { text = message }
                if text.isEmpty, case .string(let code)? = fields["code"] { text = code }
                lines.append("\(where_): \(text)")
            }
        }
        for key in object.keys.sorted(by: Self.pathOrder) where key != "_errors" {
            if let child = object[key] { flatten(child, path: path + [key], into: &lines) }
        }
    }

    /// Numeric keys (array indices) in numeric order, others alphabetically.
    private static func pathOrder(_ lhs: String, _ rhs: String) -> Bool {
        if let l = Int(lhs), let r = Int(rhs) { return l < r }
        return lhs < rhs
    }
}

/// Errors thrown by the Discord REST client. Descriptions never contain the bot token or interaction tokens.
public enum DiscordRESTError: Error, CustomStringConvertible, Sendable {
    /// Discord answered with a non-success status (after any retries).
    /// - Parameters: route (`METHOD /template`), HTTP status, decoded body when Discord sent one.
    case http(route: String, status: Int, body: DiscordErrorBody?)
    /// 401: the bot token was rejected. Fatal; the client refuses further requests, because Discord bans IPs that
    /// keep sending invalid requests.
    case tokenRejected(route: String)
    /// The rate limit would need too long a wait, or too many 429s in a row.
    case rateLimited(route: String, retryAfter: Duration?, global: Bool)
    /// The connection failed or timed out after every retry.
    case transport(route: String, reason: String)
    /// A success response could not be decoded into the expected type.
    case decoding(route: String, type: String, reason: String)
    /// The request body could not be encoded.
    case encoding(route: String, reason: String)
    /// The response body exceeded the configured cap.
    case responseTooLarge(route: String, limit: Int)

    /// The HTTP status, for `.http` and `.tokenRejected`.
    public var status: Int? {
        switch self {
        case .http(_, let status, _): status
        case .tokenRejected: 401
        default: nil
        }
    }

    /// Discord's JSON error code, when the body carried one.
    public var discordCode: DiscordErrorCode? {
        if case .http(_, _, let body?) = self { return body.code }
        return nil
    }

    /// Per-field messages of a 50035 Invalid Form Body.
    public var fieldErrors: [String] {
        if case .http(_, _, let body?) = self { return body.fieldErrors }
        return []
    }

    /// `true` when retrying the same request later might succeed (5xx, transport, rate limit). A 429 with code
    /// 30046 is not: the old message stays past its edit limit, so it must be reposted.
    public var isTransient: Bool {
        switch self {
        case .http(_, let status, let body):
            status >= 500 || (status == 429 && body?.code != .tooManyEditsToOldMessage)
        case .transport, .rateLimited: true
        default: false
        }
    }

    /// A one-line description naming the route template, status, code and field errors; secret-free.
    public var description: String {
        switch self {
        case .http(let route, let status, let body?):
            var text = "Discord \(route) failed with HTTP \(status), code \(body.code): \(body.message)"
            if !body.fieldErrors.isEmpty { text += " [" + body.fieldErrors.joined(separator: "; ") + "]" }
            return text
        case .http(let route, let status, nil):
            return "Discord \(route) failed with HTTP \(status)"
        case .tokenRejected(let route):
            return "Discord rejected the bot token (HTTP 401 on \(route)); the client is stopped"
        case .rateLimited(let route, let retryAfter, let global):
            let wait = retryAfter.map { " (retry after \($0))" } ?? ""
            return "Discord \(route) is \(global ? "globally " : "")rate limited\(wait)"
        case .transport(let route, let reason):
            return "Discord \(route) could not be reached: \(reason)"
        case .decoding(let route, let type, let reason):
            return "Discord \(route) returned a body that is not a \(type): \(reason)"
        case .encoding(let route, let reason):
            return "Discord \(route) request could not be encoded: \(reason)"
        case .responseTooLarge(let route, let limit):
            return "Discord \(route) response exceeded \(limit) bytes"
        }
    }
}

/// Minimal JSON tree for reading error bodies.
enum JSONValue: Decodable, Sendable, Hashable {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let v = try? c.decode(Bool.self) {
            self = .bool(v)
        } else if let v = try? c.decode(Double.self) {
            self = .number(v)
        } else if let v = try? c.decode(String.self) {
            self = .string(v)
        } else if let v = try? c.decode([JSONValue].self) {
            self = .array(v)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }
}
