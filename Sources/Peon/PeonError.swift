import ClientSupport
import PanelCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Everything that can go wrong talking to PEON. Descriptions never contain the key or a server's configuration.
///
/// PEON answers errors as a mix of JSON objects, JSON strings and Flask HTML pages (reference §8); each becomes one
/// case here. ``PanelFailure/init(peonError:)`` classifies them for the rest of the bot.
public enum PeonError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The bot refused to send a request for this uid (shown escaped and shortened): it could leave its URL path
    /// segment, or a power request lacks the warcamp name (reference §3).
    case invalidServerUID(String, reason: String)
    /// 401 with the JSON string `"Not authorized"` (reference §2): the key differs from PEON's `API_KEY`.
    case keyRefused
    /// 404 with PEON's JSON body (reference §4): no such container, or PEON could not read it.
    case notFound(info: String?)
    /// 404 without a PEON body: Flask has no such route, so the prefix is wrong, the address is not PEON, or the
    /// route is newer than the release (`/orchestrator`, reference §4).
    case routeNotFound(path: String)
    /// 400 (or another 4xx) with `{"status":"error","info":…,"exception":…}` and sometimes `err_code`
    /// (reference §4): PEON refused or failed the action. The `exception` text is not kept.
    case rejected(status: Int, info: String?, errorCode: String?)
    /// A 5xx: PEON failed inside a handler (500, reference §4), or a proxy in front of it answered (502–504).
    case serverError(status: Int)
    /// No HTTP answer: connection refused, timeout, DNS failure, connection closed.
    case unreachable(reason: String)
    /// A 2xx whose body is not the JSON PEON documents, or a body over the size cap.
    case malformedAnswer(detail: String)
    /// A status PEON never sends (e.g. a 3xx from something in between).
    case unexpectedStatus(Int)

    /// The ``unreachable(reason:)`` reason for a request that ran out of time.
    public static let timedOutReason = "timed out"

    /// A secret-free explanation for logs and users.
    public var description: String {
        switch self {
        case .invalidServerUID(let uid, let reason):
            "not a valid PEON server uid \(uid) (expected GAME_UID.SERVERNAME): \(reason); no request was sent"
        case .keyRefused:
            "PEON refused the API key (HTTP 401 \"Not authorized\"): the key configured for this panel must equal "
                + "the orchestrator's API_KEY"
        case .notFound(let info):
            "PEON did not find the server (HTTP 404)" + (info.map { ": \($0)" } ?? "")
        case .routeNotFound(let path):
            "PEON has no route \(path) (HTTP 404 without a PEON answer): check the panel URL and the API prefix "
                + "(\(PeonConfiguration.currentPrefix) since June 2023, \(PeonConfiguration.legacyPrefix) before)"
        case .rejected(let status, let info, let errorCode):
            "PEON refused the request (HTTP \(status)"
                + (errorCode.map { " \($0)" } ?? "") + ")" + (info.map { ": \($0)" } ?? "")
        case .serverError(let status) where status == 500:
            "PEON failed with an internal error (HTTP 500); its log on the host says why"
        case .serverError(let status):
            "PEON answered HTTP \(status) (a proxy in front of it?): the orchestrator may be down"
        case .unreachable(let reason):
            "PEON unreachable: \(reason)"
        case .malformedAnswer(let detail):
            "unexpected answer from PEON: \(detail)"
        case .unexpectedStatus(let status):
            "unexpected HTTP \(status) from PEON"
        }
    }

    /// The error for a non-2xx answer.
    /// - Parameters:
    ///   - status: The HTTP status.
    ///   - body: The answer's body.
    ///   - path: The request path with its prefix, for ``routeNotFound(path:)``.
    /// - Returns: The classified error.
    public static func classify(status: Int, body: [UInt8], path: String) -> PeonError {
        switch status {
        case 401:
            // Reference §2; any 401 means the key, whatever the body says.
            return .keyRefused
        case 404:
            switch PeonErrorBody.parse(body) {
            case .object(let error): return .notFound(info: error.info ?? error.error)
            case .string(let text): return .notFound(info: text)
            case nil: return .routeNotFound(path: path)
            }
        case 400...499:
            if case .object(let error) = PeonErrorBody.parse(body) {
                return .rejected(status: status, info: error.info ?? error.error, errorCode: error.errorCode)
            }
            if case .string(let text) = PeonErrorBody.parse(body) {
                return .rejected(status: status, info: text, errorCode: nil)
            }
            return .rejected(status: status, info: nil, errorCode: nil)
        case 500...599:
            return .serverError(status: status)
        default:
            return .unexpectedStatus(status)
        }
    }

    /// `text` quoted with control characters escaped and cut to 64 characters, for messages about bad input.
    static func printable(_ text: String) -> String {
        let short = text.count > 64 ? String(text.prefix(64)) + "…" : text
        return String(reflecting: short)
    }
}

extension PanelFailure {
    /// Classifies a PEON error; the detail keeps its secret-free explanation.
    ///
    /// A 500 is PEON's own failure (`other`: the values go stale but nothing is claimed about the host); 502–504
    /// come from a proxy whose orchestrator is gone, so they count as unreachable. A 404 without PEON's body is
    /// a configuration problem, never a removed server.
    /// - Parameter peonError: The client's error.
    public init(peonError: PeonError) {
        let kind: Kind =
            switch peonError {
            case .invalidServerUID, .rejected: .rejected
            case .keyRefused: .keyRefused
            case .notFound: .notFound
            case .routeNotFound, .unexpectedStatus: .other
            case .serverError(let status): (502...504).contains(status) ? .panelUnreachable : .other
            case .unreachable: .panelUnreachable
            case .malformedAnswer: .malformedAnswer
            }
        self.init(kind, detail: peonError.description)
    }
}

/// PEON's error answers: `{"status":"error","info":…,"exception":…,"err_code":…}` (reference §4), `{"error":…}`
/// on some routes, or a bare JSON string (reference §2).
enum PeonErrorBody {
    struct Object: Decodable {
        var info: String?
        var error: String?
        var errorCode: String?

        enum CodingKeys: String, CodingKey {
            case info
            case error
            case errorCode = "err_code"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            info = container.decodeOrNil(String.self, forKey: .info).map(PeonErrorBody.tidy)
            error = container.decodeOrNil(String.self, forKey: .error).map(PeonErrorBody.tidy)
            errorCode = container.decodeOrNil(String.self, forKey: .errorCode).map(PeonErrorBody.tidy)
        }
    }

    case object(Object)
    case string(String)

    /// The parsed body, or `nil` when it is not JSON (Flask's HTML pages).
    static func parse(_ body: [UInt8]) -> PeonErrorBody? {
        let data = Data(body)
        if let object = try? JSONDecoder().decode(Object.self, from: data) { return .object(object) }
        if let text = try? JSONDecoder().decode(String.self, from: data) { return .string(tidy(text)) }
        return nil
    }

    /// One line of at most 300 characters: PEON's texts are shown to users as they are.
    static func tidy(_ text: String) -> String {
        let line = String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 })
        return line.count > 300 ? String(line.prefix(300)) + "…" : line
    }
}
