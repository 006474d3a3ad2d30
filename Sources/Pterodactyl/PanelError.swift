import PanelCore

/// Which of the panel's two APIs a request went to; each has its own key and rate limit.
public enum PanelAPI: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `/api/client`, client key (`ptlc_`/`pacc_`), default 720 requests/minute.
    case client
    /// `/api/application`, application key (`ptla_`/`papp_`), default 240 requests/minute.
    case application

    /// The configuration key holding this API's key, e.g. `[Pterodactyl] ClientAPIKey`.
    public var configurationKey: String {
        switch self {
        case .client: "[Pterodactyl] ClientAPIKey"
        case .application: "[Pterodactyl] ApplicationAPIKey"
        }
    }

    /// `client` or `application`.
    public var description: String { rawValue }
}

/// Everything that can go wrong talking to the panel. Descriptions never contain keys.
///
/// Error bodies are `{"errors":[{"code","status","detail"}]}` (pterodactyl/panel `app/Exceptions/Handler.php`); the
/// panel's `detail` is carried where it helps. Use ``derivedState`` to show a server state for an error.
public enum PanelError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 401, or a redirect (to `/auth/login`): the key is unknown, revoked, or not sent as JSON request.
    case authenticationFailed(PanelAPI, reason: String)
    /// A 403 that says the key is of the wrong kind for this API (application key on `/api/client`, or a
    /// non-admin client key on `/api/application`).
    case wrongKeyKind(PanelAPI, detail: String)
    /// Any other 403: ACL, subuser permission, IP restriction.
    case forbidden(PanelAPI, detail: String)
    /// 404: unknown server or node, or one the key may not see.
    case notFound(detail: String)
    /// 409: the server is suspended, installing, transferring, restoring, or its node is in maintenance.
    case stateConflict(ServerState, detail: String)
    /// 504 (or Wings' status on power) with `DaemonConnectionException`: the panel could not reach Wings.
    case nodeUnreachable(detail: String)
    /// No HTTP answer at all: connection refused, timeout, DNS failure, connection reset.
    case panelUnreachable(reason: String)
    /// A 5xx without a panel JSON body (proxy or Cloudflare page), or 503 maintenance mode.
    case panelUnavailable(status: Int, detail: String)
    /// 429 after the allowed retries, or on a request that is never retried (power).
    case rateLimited(PanelAPI, retryAfter: Duration)
    /// 400/422: the panel rejected the request itself (e.g. a missing 2FA setup or a bad power signal).
    case rejected(status: Int, code: String, detail: String)
    /// A body that is not the JSON shape expected, or a body larger than the configured cap.
    case malformedResponse(detail: String)
    /// Any other status, with the panel's error code and detail when it sent some.
    case unexpectedStatus(status: Int, code: String?, detail: String?)
    /// An Application API call was made but no application key is configured.
    case missingApplicationKey
    /// The panel has no such endpoint: its 404 names the route (`The route api/... could not be found.`), as a
    /// panel older than the endpoint answers (the activity log came with Pterodactyl 1.8).
    case unsupported(detail: String)

    /// The ``panelUnreachable(reason:)`` reason for a request that ran out of time.
    public static let timedOutReason = "timed out"

    /// The server state this error stands for, or `nil` when it is not about one server's state.
    public var derivedState: ServerState? {
        switch self {
        case .stateConflict(let state, _): state
        case .nodeUnreachable: .nodeOffline
        case .notFound: .removed
        case .panelUnreachable, .panelUnavailable: .panelUnreachable
        default: nil
        }
    }

    /// A secret-free explanation for logs and users.
    public var description: String {
        switch self {
        case .authenticationFailed(let api, let reason):
            "\(api) key rejected (check \(api.configurationKey)): \(reason)"
        case .wrongKeyKind(.client, let detail):
            "the key in \(PanelAPI.client.configurationKey) is an application key; the Client API needs a client "
                + "key (ptlc_/pacc_, Account → API Credentials). Panel said: \(detail)"
        case .wrongKeyKind(.application, let detail):
            "the key in \(PanelAPI.application.configurationKey) is not an application key (a client key of a "
                + "non-admin account?); use an application key (ptla_/papp_, Admin → Application API). "
                + "Panel said: \(detail)"
        case .forbidden(let api, let detail):
            "\(api) API refused the request (403): \(detail)"
        case .notFound(let detail):
            "not found (404): \(detail)"
        case .stateConflict(let state, let detail):
            "server is \(state) (409): \(detail)"
        case .nodeUnreachable(let detail):
            "the panel cannot reach the server's node: \(detail)"
        case .panelUnreachable(let reason):
            "panel unreachable: \(reason)"
        case .panelUnavailable(let status, let detail):
            "panel unavailable (HTTP \(status)): \(detail)"
        case .rateLimited(let api, let retryAfter):
            "\(api) API rate limit reached; retry after \(retryAfter)"
        case .rejected(let status, let code, let detail):
            "panel rejected the request (HTTP \(status) \(code)): \(detail)"
        case .malformedResponse(let detail):
            "unexpected response from the panel: \(detail)"
        case .unexpectedStatus(let status, let code, let detail):
            "unexpected HTTP \(status) from the panel" + (code.map { " (\($0))" } ?? "")
                + (detail.map { ": \($0)" } ?? "")
        case .missingApplicationKey:
            "no application key configured (set \(PanelAPI.application.configurationKey))"
        case .unsupported(let detail):
            "the panel does not offer this: \(detail)"
        }
    }
}
