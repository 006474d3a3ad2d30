import ClientSupport
import PanelCore
import Pterodactyl
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// Request handling of the fake panel. The checks run in the panel's order (reference §2 "Check order"):
// route → authentication (401) → rate limit (429) → model binding (404) → key type (403) → state (409) → Wings.

extension FakePanel {
    private enum Route {
        case clientList
        case clientAccount
        case clientServer(String)
        case clientResources(String)
        case clientPower(String)
        case clientActivity(String)
        case clientWebsocket(String)
        case applicationServers
        case applicationServer(Int)
        case applicationNodes
        case applicationNode(Int)
        case applicationNodeAllocations(Int)
        case applicationNodeConfiguration(Int)

        var api: PanelAPI {
            switch self {
            case .clientList, .clientAccount, .clientServer, .clientResources, .clientPower, .clientActivity,
                .clientWebsocket:
                .client
            default: .application
            }
        }

        var method: String {
            if case .clientPower = self { return "POST" }
            return "GET"
        }

        init?(path: String) {
            let parts = path.split(separator: "/").map(String.init)
            guard parts.count >= 2, parts[0] == "api" else { return nil }
            switch (parts[1], Array(parts.dropFirst(2))) {
            case ("client", []): self = .clientList
            case ("client", ["account"]): self = .clientAccount
            case ("client", let rest) where rest.count == 2 && rest[0] == "servers": self = .clientServer(rest[1])
            case ("client", let rest) where rest.count == 3 && rest[0] == "servers" && rest[2] == "resources":
                self = .clientResources(rest[1])
            case ("client", let rest) where rest.count == 3 && rest[0] == "servers" && rest[2] == "power":
                self = .clientPower(rest[1])
            case ("client", let rest) where rest.count == 3 && rest[0] == "servers" && rest[2] == "activity":
                self = .clientActivity(rest[1])
            case ("client", let rest) where rest.count == 3 && rest[0] == "servers" && rest[2] == "websocket":
                self = .clientWebsocket(rest[1])
            case ("application", ["servers"]): self = .applicationServers
            case ("application", let rest) where rest.count == 2 && rest[0] == "servers":
                guard let id = Int(rest[1]) else { return nil }
                self = .applicationServer(id)
            case ("application", ["nodes"]): self = .applicationNodes
            case ("application", let rest) where rest.count >= 2 && rest.count <= 3 && rest[0] == "nodes":
                guard let id = Int(rest[1]) else { return nil }
                switch rest.count == 3 ? rest[2] : nil {
                case nil: self = .applicationNode(id)
                case "allocations": self = .applicationNodeAllocations(id)
                case "configuration": self = .applicationNodeConfiguration(id)
                default: return nil
                }
            default: return nil
            }
        }
    }

    /// Handles one request: records it, applies latency and scripted failures, then answers like the panel.
    func handle(_ request: LoopbackHTTPRequest) async -> LoopbackHTTPResponse {
        let bearer = request.header("Authorization").flatMap { value -> String? in
            value.hasPrefix("Bearer ") ? String(value.dropFirst(7)) : nil
        }
        let revoked = state.withLock { $0.clientKeyRevoked }
        let keyKind: PanelAPIKey.Kind? =
            bearer == clientKey.exposedValue
            ? (revoked ? nil : .client) : bearer == applicationKey.exposedValue ? .application : nil
        let acceptsJSON = Self.acceptsJSON(request.header("Accept"))
        let (latency, scripted, down, waiters) = state.withLock {
            state -> (Duration, Failure?, Bool, [CheckedContinuation<Void, Never>]) in
            let waiters = state.record(
                RecordedRequest(
                    method: request.method,
                    path: request.path,
                    query: request.query,
                    keyKind: keyKind,
                    acceptsJSON: acceptsJSON
                )
            )
            state.inFlight += 1
            state.peakConcurrency = max(state.peakConcurrency, state.inFlight)
            var scripted: Failure?
            if let index = state.failures.firstIndex(where: { failure in
                failure.server.map { request.path.contains("/servers/\($0.rawValue)") } ?? true
            }) {
                scripted = state.failures[index].failure
                state.failures[index].remaining -= 1
                if state.failures[index].remaining <= 0 { state.failures.remove(at: index) }
            }
            return (state.latency, scripted, state.panelDown, waiters)
        }
        for waiter in waiters { waiter.resume() }
        if latency > .zero {
            try? await Task.sleep(for: latency)
        }
        let response: LoopbackHTTPResponse
        if down {
            response = .dropConnection
        } else if let scripted {
            response = await answer(scripted)
        } else {
            response = route(request, keyKind: keyKind, bearer: bearer, acceptsJSON: acceptsJSON)
        }
        state.withLock { $0.inFlight -= 1 }
        return response
    }

    private static func acceptsJSON(_ accept: String?) -> Bool {
        // Laravel's `expectsJson`: the first Accept type contains /json or +json.
        guard let first = accept?.split(separator: ",").first else { return false }
        return first.contains("/json") || first.contains("+json")
    }

    private func answer(_ failure: Failure) async -> LoopbackHTTPResponse {
        switch failure {
        case .panelError(let status, let code, let detail):
            return Self.error(status, code, detail)
        case .rateLimited(let seconds):
            var response = Self.error(429, "ThrottleRequestsException", "Too Many Attempts.")
            response.headers += [
                ("X-RateLimit-Limit", "720"), ("X-RateLimit-Remaining", "0"), ("Retry-After", String(seconds)),
            ]
            return response
        case .malformedJSON:
            return .json(200, #"{"object":"list","data":[{"object":"server","attributes":{"uuid":"#)
        case .htmlPage(let status):
            return LoopbackHTTPResponse(
                status: status,
                headers: [("Content-Type", "text/html")],
                body: Array("<html><body><h1>\(status) Bad Gateway</h1>nginx</body></html>".utf8)
            )
        case .redirectToLogin:
            return LoopbackHTTPResponse(status: 302, headers: [("Location", baseURL + "/auth/login")])
        case .dropConnection:
            return .dropConnection
        case .hang:
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { $0.hold(continuation) }
                for waiter in ready { waiter.resume() }
            }
            return .dropConnection
        }
    }

    // MARK: - Routing

    private func route(
        _ request: LoopbackHTTPRequest,
        keyKind: PanelAPIKey.Kind?,
        bearer: String?,
        acceptsJSON: Bool
    ) -> LoopbackHTTPResponse {
        let trimmedPath = request.path.hasPrefix("/") ? String(request.path.dropFirst()) : request.path
        let activityLogAvailable = state.withLock { $0.activityLogAvailable }
        guard let route = Route(path: request.path) else {
            return Self.error(404, "NotFoundHttpException", "The route \(trimmedPath) could not be found.")
        }
        if case .clientActivity = route, !activityLogAvailable {
            // A panel older than 1.8 has no such route.
            return Self.error(404, "NotFoundHttpException", "The route \(trimmedPath) could not be found.")
        }
        guard route.method == request.method else {
            let supported = route.method == "POST" ? "POST" : "GET, HEAD"
            return Self.error(
                405,
                "MethodNotAllowedHttpException",
                "The \(request.method) method is not supported for route \(trimmedPath). Supported methods: \(supported)."
            )
        }
        guard let keyKind else {
            if !acceptsJSON {
                return LoopbackHTTPResponse(status: 302, headers: [("Location", baseURL + "/auth/login")])
            }
            return Self.error(401, "AuthenticationException", "Unauthenticated.")
        }
        return state.withLock { state -> LoopbackHTTPResponse in
            var limitHeaders: [(name: String, value: String)] = []
            if let limited = Self.countRequest(route.api, state: &state, now: now(), headers: &limitHeaders) {
                return limited
            }
            var response = respond(route, request: request, keyKind: keyKind, state: &state)
            response.headers += limitHeaders
            return response
        }
    }

    /// Laravel's fixed window: opens at the first counted request, lasts 60 s; refused requests are not counted.
    private static func countRequest(
        _ api: PanelAPI,
        state: inout State,
        now: Duration,
        headers: inout [(name: String, value: String)]
    ) -> LoopbackHTTPResponse? {
        let limit = api == .client ? state.rateLimits.client : state.rateLimits.application
        var window = state.windows[api.rawValue] ?? Window(start: now, count: 0)
        if now - window.start >= .seconds(60) {
            window = Window(start: now, count: 0)
        }
        if window.count >= limit {
            state.windows[api.rawValue] = window
            let left = window.start + .seconds(60) - now
            let seconds = Int(
                left.inSeconds.rounded(.up)
            )
            var response = error(429, "ThrottleRequestsException", "Too Many Attempts.")
            response.headers += [
                ("X-RateLimit-Limit", String(limit)), ("X-RateLimit-Remaining", "0"),
                ("Retry-After", String(max(1, seconds))),
            ]
            return response
        }
        window.count += 1
        state.windows[api.rawValue] = window
        headers = [
            ("X-RateLimit-Limit", String(limit)), ("X-RateLimit-Remaining", String(max(0, limit - window.count))),
        ]
        return nil
    }

    private func respond(
        _ route: Route,
        request: LoopbackHTTPRequest,
        keyKind: PanelAPIKey.Kind,
        state: inout State
    ) -> LoopbackHTTPResponse {
        // Model binding (404) comes before the key-type check (403).
        switch route {
        case .clientServer(let key), .clientResources(let key), .clientPower(let key), .clientActivity(let key),
            .clientWebsocket(let key):
            guard state.servers.contains(where: { $0.id.rawValue == key || $0.uuid == key }) else {
                return Self.error(
                    404,
                    "NotFoundHttpException",
                    "The requested resource could not be found on the server."
                )
            }
        case .applicationServer(let id):
            guard state.servers.contains(where: { $0.internalID == id }) else {
                return Self.error(
                    404,
                    "NotFoundHttpException",
                    "The requested resource could not be found on the server."
                )
            }
        case .applicationNode(let id), .applicationNodeAllocations(let id), .applicationNodeConfiguration(let id):
            guard state.nodes.contains(where: { $0.id == id }) else {
                return Self.error(
                    404,
                    "NotFoundHttpException",
                    "The requested resource could not be found on the server."
                )
            }
        default:
            break
        }
        switch (route.api, keyKind) {
        case (.client, .application):
            return Self.error(
                403,
                "AccessDeniedHttpException",
                "You are attempting to use an application API key on an endpoint that requires a client API key."
            )
        case (.application, .client):
            return Self.error(
                403,
                "AccessDeniedHttpException",
                "This account does not have permission to access the API."
            )
        default:
            break
        }
        switch route {
        case .clientList:
            let perPage = min(Self.perPage(request.query["per_page"]), 100)
            let items = state.servers.map { clientServerJSON($0, state: state) }
            return .json(
                200,
                Self.paginated(
                    items,
                    query: request.query,
                    perPage: perPage,
                    base: baseURL + "/api/client",
                    quirk: state.paginationQuirk
                ).rendered
            )
        case .clientAccount:
            return .json(
                200,
                FakePanelJSON.object([
                    ("object", .string("user")),
                    (
                        "attributes",
                        .object([
                            ("id", .int(2)), ("admin", .bool(false)), ("username", .string("owner")),
                            ("email", .string("owner@example.com")), ("language", .string("en")),
                        ])
                    ),
                ]).rendered
            )
        case .clientServer(let key):
            let server = state.servers.first { $0.id.rawValue == key || $0.uuid == key }!
            let item = FakePanelJSON.object([
                ("object", .string("server")), ("attributes", clientServerJSON(server, state: state)),
                ("meta", .object([("is_server_owner", .bool(true)), ("user_permissions", .array([.string("*")]))])),
            ])
            return .json(200, item.rendered)
        case .clientResources(let key):
            let server = state.servers.first { $0.id.rawValue == key || $0.uuid == key }!
            if let conflict = Self.conflict(server, state: state) { return conflict }
            if server.daemonUnreachable || !(state.nodes.first { $0.id == server.nodeID }?.wingsReachable ?? true) {
                return Self.daemonUnreachable
            }
            return .json(200, Self.statsJSON(server).rendered)
        case .clientPower(let key):
            let index = state.servers.firstIndex { $0.id.rawValue == key || $0.uuid == key }!
            if let conflict = Self.conflict(state.servers[index], state: state) { return conflict }
            struct PowerBody: Decodable { var signal: String? }
            guard let body = try? JSONDecoder().decode(PowerBody.self, from: Data(request.body)) else {
                return Self.error(
                    400,
                    "BadRequestHttpException",
                    "The JSON data passed in the request appears to be malformed: Syntax error"
                )
            }
            guard let raw = body.signal else {
                return Self.error(422, "ValidationException", "The signal field is required.")
            }
            guard let signal = PowerSignal(rawValue: raw) else {
                return Self.error(422, "ValidationException", "The selected signal is invalid.")
            }
            let server = state.servers[index]
            if server.daemonUnreachable || !(state.nodes.first { $0.id == server.nodeID }?.wingsReachable ?? true) {
                return Self.daemonUnreachable
            }
            state.powerSignals.append((server.id, signal))
            Self.apply(signal, to: &state.servers[index])
            // `PowerController.php` logs `server:power.<signal>` for every accepted signal.
            state.activity[server.id, default: []].append(
                ActivityEntry(event: "server:power.\(signal.rawValue)", loggedAt: currentDate, isAPI: true)
            )
            return .empty(204)
        case .clientActivity(let key):
            let server = state.servers.first { $0.id.rawValue == key || $0.uuid == key }!
            // `ActivityLogController.php`: `activity.read` is authorized first; a refusal is Laravel's 403.
            if state.activityDenied?.contains(server.id) ?? true {
                return Self.error(403, "AccessDeniedHttpException", "This action is unauthorized.")
            }
            return .json(200, activityJSON(state.activity[server.id] ?? [], request: request, state: state).rendered)
        case .clientWebsocket(let key):
            let server = state.servers.first { $0.id.rawValue == key || $0.uuid == key }!
            // `WebsocketController.php`: `websocket.connect` is authorized first, then the 409 matrix applies; the
            // token is signed without asking Wings, so a down node still gets one (reference §11, §12).
            if state.websocketDenied?.contains(server.id) ?? true {
                return Self.error(
                    403,
                    "AccessDeniedHttpException",
                    "You do not have permission to connect to this server's websocket."
                )
            }
            if let conflict = Self.conflict(server, state: state) { return conflict }
            state.websocketTokensIssued += 1
            // `WebsocketController.php` builds `socket` from the server's node: `getConnectionAddress()` (scheme,
            // FQDN, `daemonListen`) with `https`/`http` turned into `wss`/`ws` (reference §12).
            let base = state.wingsSocketBases[server.nodeID] ?? state.wingsSocketBase ?? "ws://127.0.0.1:\(port)"
            let body = FakePanelJSON.object([
                (
                    "data",
                    .object([
                        ("token", .string("fake-wings-jwt.\(server.id.rawValue).\(state.websocketTokensIssued)")),
                        ("socket", .string("\(base)/api/servers/\(server.uuid)/ws")),
                    ])
                )
            ])
            return .json(200, body.rendered)
        case .applicationServers:
            let includes = Set((request.query["include"] ?? "").split(separator: ",").map(String.init))
            let items = state.servers.map { applicationServerJSON($0, includes: includes, state: state) }
            let perPage = Self.perPage(request.query["per_page"])
            return .json(
                200,
                Self.paginated(
                    items,
                    query: request.query,
                    perPage: perPage,
                    base: baseURL + "/api/application/servers",
                    keepQuery: false
                )
                .rendered
            )
        case .applicationServer(let id):
            let includes = Set((request.query["include"] ?? "").split(separator: ",").map(String.init))
            let server = state.servers.first { $0.internalID == id }!
            return .json(
                200,
                Self.item("server", applicationServerJSON(server, includes: includes, state: state)).rendered
            )
        case .applicationNodes:
            let includes = Set((request.query["include"] ?? "").split(separator: ",").map(String.init))
            let items = state.nodes.map { Self.item("node", nodeJSON($0, includes: includes, state: state)) }
            return .json(
                200,
                Self.paginated(
                    items,
                    query: request.query,
                    perPage: Self.perPage(request.query["per_page"]),
                    base: baseURL + "/api/application/nodes",
                    keepQuery: false,
                    wrap: false
                ).rendered
            )
        case .applicationNode(let id):
            let node = state.nodes.first { $0.id == id }!
            let includes = Set((request.query["include"] ?? "").split(separator: ",").map(String.init))
            return .json(200, Self.item("node", nodeJSON(node, includes: includes, state: state)).rendered)
        case .applicationNodeAllocations(let id):
            let node = state.nodes.first { $0.id == id }!
            var items: [FakePanelJSON] = []
            for server in state.servers where server.nodeID == id {
                items += server.allocations.map {
                    Self.item("allocation", Self.applicationAllocationJSON($0, assigned: true))
                }
            }
            items += node.freeAllocations.map {
                Self.item("allocation", Self.applicationAllocationJSON($0, assigned: false))
            }
            return .json(
                200,
                Self.paginated(
                    items,
                    query: request.query,
                    perPage: Self.perPage(request.query["per_page"]),
                    base: baseURL + "/api/application/nodes/\(id)/allocations",
                    keepQuery: false,
                    wrap: false
                ).rendered
            )
        case .applicationNodeConfiguration:
            // The real endpoint returns the node's secret token; the bot must never call it (tests check the count).
            return .json(200, #"{"debug":false,"uuid":"node","token_id":"x","token":"node-secret-token"}"#)
        }
    }

    // MARK: - States

    private static let daemonUnreachable = error(
        504,
        "DaemonConnectionException",
        "Could not establish a connection to the machine running this server. Please try again."
    )

    /// The 409 matrix of `AuthenticateServerAccess.php`, in its priority order.
    private static func conflict(_ server: Server, state: State) -> LoopbackHTTPResponse? {
        let node = state.nodes.first { $0.id == server.nodeID }
        let detail: String? =
            if server.status == "suspended" {
                "This server is currently suspended and the functionality requested is unavailable."
            } else if node?.maintenanceMode == true {
                "The node of this server is currently under maintenance and the functionality requested is unavailable."
            } else if server.status == "installing" || server.status == "install_failed" {
                "This server has not yet completed its installation process, please try again later."
            } else if server.status == "restoring_backup" {
                "This server is currently restoring from a backup, please try again later."
            } else if server.isTransferring {
                "This server is currently being transferred to a new machine, please try again later."
            } else {
                nil
            }
        return detail.map { error(409, "ServerStateConflictException", $0) }
    }

    /// Power signals take effect at once: start/restart → running (uptime 0), stop/kill → offline (zeroed usage).
    private static func apply(_ signal: PowerSignal, to server: inout Server) {
        switch signal {
        case .start, .restart:
            server.powerState = "running"
            server.resources.uptimeMilliseconds = 0
            server.resources.state = .running
            server.resources.rawState = "running"
        case .stop, .kill:
            server.powerState = "offline"
            server.resources = ServerResources(state: .offline, diskBytes: server.resources.diskBytes)
        }
    }

    // MARK: - JSON

    static func error(_ status: Int, _ code: String, _ detail: String) -> LoopbackHTTPResponse {
        let body = FakePanelJSON.object([
            (
                "errors",
                .array([
                    .object([("code", .string(code)), ("status", .string(String(status))), ("detail", .string(detail))])
                ])
            )
        ])
        return .json(status, body.rendered)
    }

    private static func item(_ object: String, _ attributes: FakePanelJSON) -> FakePanelJSON {
        .object([("object", .string(object)), ("attributes", attributes)])
    }

    private static func perPage(_ raw: String?) -> Int {
        guard let raw, let value = Int(raw) else { return 50 }
        return value <= 0 ? 15 : value
    }

    /// A `list` with `meta.pagination`; items are wrapped as `server` items unless `wrap` is false.
    private static func paginated(
        _ items: [FakePanelJSON],
        query: [String: String],
        perPage: Int,
        base: String,
        keepQuery: Bool = true,
        wrap: Bool = true,
        quirk: PaginationQuirk = .none
    ) -> FakePanelJSON {
        let page = quirk == .ignoresPageParameter ? 1 : max(1, Int(query["page"] ?? "1") ?? 1)
        let totalPages = max(1, (items.count + perPage - 1) / perPage)
        let start = min(items.count, (page - 1) * perPage)
        let slice = Array(items[start..<min(items.count, start + perPage)])
        func link(_ target: Int) -> FakePanelJSON {
            var parameters = keepQuery ? query : [:]
            parameters["page"] = String(target)
            let text = parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
            return .string(base + "?" + text)
        }
        var links: [(String, FakePanelJSON)] = []
        if page > 1 { links.append(("previous", link(page - 1))) }
        if page < totalPages { links.append(("next", link(page + 1))) }
        return .object([
            ("object", .string("list")),
            ("data", .array(wrap ? slice.map { item("server", $0) } : slice)),
            (
                "meta",
                .object([
                    (
                        "pagination",
                        .object(
                            quirk == .omitsTotalPages
                                ? [
                                    ("total", .int(items.count)), ("count", .int(slice.count)),
                                    ("per_page", .int(perPage)), ("current_page", .int(page)),
                                ]
                                : [
                                    ("total", .int(items.count)), ("count", .int(slice.count)),
                                    ("per_page", .int(perPage)), ("current_page", .int(page)),
                                    ("total_pages", .int(totalPages)), ("links", .object(links)),
                                ]
                        )
                    )
                ])
            ),
        ])
    }

    private static func limitsJSON(_ limits: ServerLimits) -> FakePanelJSON {
        .object([
            ("memory", .int(limits.memoryMiB)), ("swap", .int(limits.swapMiB)), ("disk", .int(limits.diskMiB)),
            ("io", .optional(limits.ioWeight)), ("cpu", .int(limits.cpuPercent)),
            ("threads", .optional(limits.threads)),
            ("oom_disabled", .bool(true)),
        ])
    }

    /// The client API's `variables` relationship (`EggVariableTransformer.php`), or the `null_resource` a subuser
    /// without `startup.read` gets (pterodactyl-api.md §7.1).
    private static func variablesJSON(_ variables: [String: String]?) -> FakePanelJSON {
        guard let variables else { return .object([("object", .string("null_resource")), ("attributes", .null)]) }
        let items = variables.sorted { $0.key < $1.key }.map { name, value in
            item(
                "egg_variable",
                .object([
                    ("name", .string(name)), ("description", .string("")), ("env_variable", .string(name)),
                    ("default_value", .string(value)), ("server_value", .string(value)), ("is_editable", .bool(true)),
                    ("rules", .string("required|string")),
                ])
            )
        }
        return .object([("object", .string("list")), ("data", .array(items))])
    }

    private func clientServerJSON(_ server: Server, state: State) -> FakePanelJSON {
        let node = state.nodes.first { $0.id == server.nodeID }
        var fields: [(String, FakePanelJSON)] = [
            ("server_owner", .bool(true)), ("identifier", .string(server.id.rawValue)),
            ("internal_id", .int(server.internalID)), ("uuid", .string(server.uuid)), ("name", .string(server.name)),
            ("node", .string(node?.name ?? "Node \(server.nodeID)")),
            ("is_node_under_maintenance", .bool(node?.maintenanceMode ?? false)),
            ("sftp_details", .object([("ip", .string("node\(server.nodeID).example.com")), ("port", .int(2022))])),
            ("description", .string(server.description)), ("limits", Self.limitsJSON(server.limits)),
            ("invocation", .string("java -jar server.jar")),
            ("docker_image", .string(server.dockerImage)),
            ("egg_features", .null),
            ("feature_limits", .object([("databases", .int(2)), ("allocations", .int(3)), ("backups", .int(5))])),
            ("status", .optional(server.status)),
        ]
        if flavor == .pterodactyl {
            fields += [
                ("is_suspended", .bool(server.status == "suspended")),
                ("is_installing", .bool(server.status == "installing" || server.status == "install_failed")),
            ]
        }
        fields.append(("is_transferring", .bool(server.isTransferring)))
        let allocations = server.allocations.map { allocation in
            Self.item(
                "allocation",
                .object([
                    ("id", .int(allocation.id)), ("ip", .string(allocation.ip)),
                    ("ip_alias", .optional(allocation.alias)),
                    ("port", .int(allocation.port)), ("notes", .optional(allocation.notes)),
                    ("is_default", .bool(allocation.isDefault)),
                ])
            )
        }
        fields.append(
            (
                "relationships",
                .object([
                    ("allocations", .object([("object", .string("list")), ("data", .array(allocations))])),
                    ("variables", Self.variablesJSON(server.startupVariables)),
                ])
            )
        )
        return .object(fields)
    }

    private static func applicationAllocationJSON(_ allocation: ServerAllocation, assigned: Bool) -> FakePanelJSON {
        .object([
            ("id", .int(allocation.id)), ("ip", .string(allocation.ip)), ("alias", .optional(allocation.alias)),
            ("port", .int(allocation.port)), ("notes", .optional(allocation.notes)), ("assigned", .bool(assigned)),
        ])
    }

    private func applicationServerJSON(_ server: Server, includes: Set<String>, state: State) -> FakePanelJSON {
        let primary = server.allocations.first(where: \.isDefault) ?? server.allocations.first
        var fields: [(String, FakePanelJSON)] = [
            ("id", .int(server.internalID)), ("external_id", .null), ("uuid", .string(server.uuid)),
            ("identifier", .string(server.id.rawValue)), ("name", .string(server.name)),
            ("description", .string(server.description)), ("status", .optional(server.status)),
            ("suspended", .bool(server.status == "suspended")), ("limits", Self.limitsJSON(server.limits)),
            ("user", .int(2)), ("node", .int(server.nodeID)), ("allocation", .optional(primary?.id)), ("nest", .int(1)),
            ("egg", .int(1)),
            ("created_at", .string("2024-05-05T15:40:00+00:00")), ("updated_at", .string("2024-05-05T15:40:00+00:00")),
        ]
        var relationships: [(String, FakePanelJSON)] = []
        if includes.contains("allocations") {
            let data = server.allocations.map {
                Self.item("allocation", Self.applicationAllocationJSON($0, assigned: true))
            }
            relationships.append(("allocations", .object([("object", .string("list")), ("data", .array(data))])))
        }
        if includes.contains("node") {
            if let node = state.nodes.first(where: { $0.id == server.nodeID }) {
                relationships.append(("node", Self.item("node", nodeJSON(node, includes: [], state: state))))
            } else {
                relationships.append(("node", .object([("object", .string("null_resource")), ("attributes", .null)])))
            }
        }
        if !relationships.isEmpty { fields.append(("relationships", .object(relationships))) }
        return .object(fields)
    }

    /// A node as Pterodactyl's or Pelican's `NodeTransformer.php` renders it: Pterodactyl sends `location_id` and
    /// offers the `location` include; Pelican has no locations (an unknown include is ignored by Fractal) and adds
    /// `cpu`, `cpu_overallocate` and `allocated_resources.cpu` (pelican-dev/panel `app/Models/Node.php`).
    private func nodeJSON(_ node: Node, includes: Set<String>, state: State) -> FakePanelJSON {
        let onNode = state.servers.filter { $0.nodeID == node.id }
        var fields: [(String, FakePanelJSON)] = [
            ("id", .int(node.id)), ("uuid", .string("00000000-0000-4000-8000-\(node.id)")), ("public", .bool(true)),
            ("name", .string(node.name)), ("description", .null),
        ]
        if flavor == .pterodactyl { fields.append(("location_id", .optional(node.location?.id ?? 1))) }
        fields += [
            ("fqdn", .string("node\(node.id).example.com")), ("scheme", .string("https")),
            ("behind_proxy", .bool(false)),
            ("maintenance_mode", .bool(node.maintenanceMode)), ("memory", .int(node.memoryMiB)),
            ("memory_overallocate", .int(0)), ("disk", .int(node.diskMiB)), ("disk_overallocate", .int(0)),
        ]
        var allocated: [(String, FakePanelJSON)] = [
            ("memory", .int(onNode.reduce(0) { $0 + $1.limits.memoryMiB })),
            ("disk", .int(onNode.reduce(0) { $0 + $1.limits.diskMiB })),
        ]
        if flavor == .pelican {
            fields += [("cpu", .int(node.cpuPercent)), ("cpu_overallocate", .int(node.cpuOverallocatePercent))]
            allocated.append(("cpu", .int(onNode.reduce(0) { $0 + $1.limits.cpuPercent })))
        }
        fields += [
            ("upload_size", .int(100)), ("daemon_listen", .int(8080)), ("daemon_sftp", .int(2022)),
            ("daemon_base", .string("/var/lib/pterodactyl/volumes")),
            ("allocated_resources", .object(allocated)),
        ]
        if flavor == .pterodactyl && includes.contains("location") {
            let location: FakePanelJSON =
                node.location.map { location in
                    Self.item(
                        "location",
                        .object([
                            ("id", .optional(location.id)), ("short", .string(location.short)),
                            ("long", .optional(location.long)),
                            ("updated_at", .string("2024-05-01T11:40:00+00:00")),
                            ("created_at", .string("2024-05-01T11:40:00+00:00")),
                        ])
                    )
                } ?? .object([("object", .string("null_resource")), ("attributes", .null)])
            fields.append(("relationships", .object([("location", location)])))
        }
        return .object(fields)
    }

    /// The activity listing: `filter[event]` is a partial match (`AllowedFilter::partial`), `sort` is `timestamp`
    /// or `-timestamp` (insertion order without), `per_page` defaults to 25 and is capped at 100.
    private func activityJSON(_ entries: [ActivityEntry], request: LoopbackHTTPRequest, state: State) -> FakePanelJSON {
        var entries = entries
        if let filter = request.query["filter[event]"], !filter.isEmpty {
            entries = entries.filter { $0.event.contains(filter) }
        }
        switch request.query["sort"] {
        case "-timestamp": entries = entries.reversed().sorted { $0.loggedAt > $1.loggedAt }
        case "timestamp": entries = entries.sorted { $0.loggedAt < $1.loggedAt }
        default: break
        }
        let perPage = min(Int(request.query["per_page"] ?? "") ?? 25, 100)
        let style = Date.ISO8601FormatStyle(
            timeZoneSeparator: .colon,
            timeZone: TimeZone(secondsFromGMT: state.activityUTCOffsetSeconds) ?? .gmt
        )
        let items = entries.enumerated().map { index, entry in
            var timestamp = entry.loggedAt.formatted(style)
            if timestamp.hasSuffix("Z") { timestamp = String(timestamp.dropLast()) + "+00:00" }
            var fields: [(String, FakePanelJSON)] = [
                ("id", .string("9b0\(index)")), ("batch", .null), ("event", .string(entry.event)),
                ("is_api", .bool(entry.isAPI)), ("ip", .string("203.0.113.7")), ("description", .null),
                ("properties", .array([])), ("has_additional_metadata", .bool(false)),
                ("timestamp", .string(timestamp)),
            ]
            if let actor = entry.actor {
                // Like every included object of the client API, `relationships` sits inside `attributes`.
                let user = Self.item(
                    "user",
                    .object([("uuid", .string("00000000-0000-4000-8000-000000000002")), ("username", .string(actor))])
                )
                fields.append(("relationships", .object([("actor", user)])))
            }
            return Self.item("activity_log", .object(fields))
        }
        return Self.paginated(
            items,
            query: request.query,
            perPage: max(1, perPage),
            base: baseURL + request.path,
            wrap: false,
            quirk: state.paginationQuirk
        )
    }

    private static func statsJSON(_ server: Server) -> FakePanelJSON {
        let usage = server.resources
        return item(
            "stats",
            .object([
                ("current_state", .string(server.powerState)), ("is_suspended", .bool(false)),
                (
                    "resources",
                    .object([
                        ("memory_bytes", .int(usage.memoryBytes)), ("cpu_absolute", .double(usage.cpuAbsolute)),
                        ("disk_bytes", .int(usage.diskBytes)), ("network_rx_bytes", .int(usage.networkRxBytes)),
                        ("network_tx_bytes", .int(usage.networkTxBytes)), ("uptime", .int(usage.uptimeMilliseconds)),
                    ])
                ),
            ])
        )
    }
}
