import PanelCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Turns a non-success HTTP answer into a ``PanelError``; one place decides, so every call maps alike.
///
/// Table: `../shared/reference/pterodactyl-api.md` §5, §10, §11 (pterodactyl/panel `app/Exceptions/Handler.php`).
enum PanelResponseClassifier {
    /// Longest panel `detail` carried into an error.
    static let maxDetailLength = 300

    /// The error for an answer, or `nil` for a 2xx that was not redirected.
    /// - Parameters:
    ///   - api: The API the request went to.
    ///   - status: The HTTP status.
    ///   - body: The body bytes.
    ///   - redirected: True when the HTTP client followed a redirect to get this answer.
    ///   - retryAfter: The wait announced by a 429.
    static func error(
        api: PanelAPI,
        status: Int,
        body: [UInt8],
        redirected: Bool,
        retryAfter: Duration
    ) -> PanelError? {
        if redirected {
            return .authenticationFailed(api, reason: "the panel redirected the request (to its login page)")
        }
        switch status {
        case 200..<300:
            return nil
        case 300..<400:
            return .authenticationFailed(api, reason: "the panel answered HTTP \(status), a redirect to its login page")
        default:
            break
        }
        let panelError = decodeErrorBody(body)
        let code = panelError?.code
        let detail = panelError?.detail.map(truncate)
        switch status {
        case 401:
            return .authenticationFailed(api, reason: detail ?? "HTTP 401")
        case 403:
            let text = detail ?? "HTTP 403"
            let lowered = text.lowercased()
            if lowered.contains("application api key on an endpoint that requires a client api key") {
                return .wrongKeyKind(.client, detail: text)
            }
            if api == .application && lowered.contains("does not have permission to access the api") {
                return .wrongKeyKind(.application, detail: text)
            }
            return .forbidden(api, detail: text)
        case 404:
            // Only the panel's own JSON means "no such server"; a proxy's or maintenance page's 404 says nothing
            // about the server and must not get it untracked.
            guard let detail else {
                return .panelUnavailable(status: 404, detail: "an answer without the panel's error body (a proxy?)")
            }
            return .notFound(detail: detail)
        case 409:
            if let detail, let state = conflictState(detail) {
                return .stateConflict(state, detail: detail)
            }
            return .unexpectedStatus(status: 409, code: code, detail: detail)
        case 429:
            return .rateLimited(api, retryAfter: retryAfter)
        case 400, 422:
            if let detail {
                return .rejected(status: status, code: code ?? "HTTP \(status)", detail: detail)
            }
            return .unexpectedStatus(status: status, code: code, detail: nil)
        case 500..<600:
            if code == "DaemonConnectionException" {
                return .nodeUnreachable(detail: detail ?? "HTTP \(status)")
            }
            guard panelError != nil else {
                return .panelUnavailable(status: status, detail: "no panel error body (the panel or its proxy failed)")
            }
            if status == 503 {
                return .panelUnavailable(status: status, detail: detail ?? "Service Unavailable")
            }
            return .unexpectedStatus(status: status, code: code, detail: detail)
        default:
            return .unexpectedStatus(status: status, code: code, detail: detail)
        }
    }

    /// True when an idempotent request that failed this way may be tried again.
    static func isRetryable(_ error: PanelError) -> Bool {
        switch error {
        // A timeout already cost a whole request timeout; trying again would stretch the cycle even more.
        case .panelUnreachable(let reason): reason != PanelError.timedOutReason
        case .panelUnavailable, .rateLimited: true
        case .unexpectedStatus(let status, _, _): status >= 500
        default: false
        }
    }

    /// The state named by a 409 detail (`AuthenticateServerAccess.php`, `ServerStateConflictException.php`).
    static func conflictState(_ detail: String) -> ServerState? {
        let lowered = detail.lowercased()
        if lowered.contains("suspended") { return .suspended }
        if lowered.contains("maintenance") { return .nodeMaintenance }
        if lowered.contains("installation") || lowered.contains("install") { return .installing }
        if lowered.contains("backup") { return .restoringBackup }
        if lowered.contains("transfer") { return .transferring }
        return nil
    }

    /// Parses `Retry-After` (whole seconds, as Laravel sends); `nil` if absent or not a number.
    static func retryAfter(_ value: String?) -> Duration? {
        guard let value, let seconds = Double(value.filter { !$0.isWhitespace }), seconds >= 0 else {
            return nil
        }
        return .milliseconds(Int64((seconds * 1000).rounded(.up)))
    }

    /// The first `errors[]` entry, or `nil` if the body is not the panel's error JSON.
    static func decodeErrorBody(_ body: [UInt8]) -> WireErrorBody.Entry? {
        guard let first = body.first(where: { !$0.isASCIIWhitespace }), first == UInt8(ascii: "{") else { return nil }
        guard let decoded = try? JSONDecoder().decode(WireErrorBody.self, from: Data(body)) else { return nil }
        return decoded.errors.first
    }

    private static func truncate(_ text: String) -> String {
        text.count > maxDetailLength ? String(text.prefix(maxDetailLength)) + "…" : text
    }
}

extension UInt8 {
    fileprivate var isASCIIWhitespace: Bool {
        self == 0x20 || self == 0x09 || self == 0x0A || self == 0x0D
    }
}
