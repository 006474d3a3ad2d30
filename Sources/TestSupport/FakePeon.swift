import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An in-process PEON orchestrator on loopback, shaped like the real one (`../shared/reference/peon-api.md`, cited
/// as §n): the prefix, the `X-Api-Key` check, the server objects, Docker statistics whose counters move between
/// reads, power actions that change state, and PEON's mix of JSON objects, JSON strings and Flask HTML errors.
///
/// Tests script it with ``update(_:_:)``, ``failNext(_:uid:times:)``, ``setOutage(_:)`` and
/// ``holdRequests(_:)``, and observe the client with ``requests``, ``requestCount(method:path:)`` and
/// ``peakConcurrency``. It imports no Peon type: it speaks only HTTP, like the real orchestrator.
public final class FakePeon: Sendable {
    /// Which release the fake imitates.
    public enum Era: Sendable, Hashable {
        /// Current releases: `/api/v1`, `container_type` and `build_version` sent, `GET /orchestrator` answered.
        case current
        /// Releases before June 2023: `/api/1.0`, neither field, no `/orchestrator` (§1, §4, §5).
        case legacy

        /// The prefix this release serves (§1).
        public var prefix: String {
            switch self {
            case .current: "/api/v1"
            case .legacy: "/api/1.0"
            }
        }
    }

    /// Which cgroup version the host runs; it decides the memory fields Docker sends (§6).
    public enum Cgroup: Sendable, Hashable {
        /// cgroup v1: `stats.total_inactive_file` and `stats.cache`, `percpu_usage`.
        case v1
        /// cgroup v2: `stats.inactive_file`, no `percpu_usage`.
        case v2
    }

    /// A container's resource use, from which each statistics read is generated.
    public struct Usage: Sendable, Hashable {
        /// Cores' worth of CPU time the container uses per second (1.5 → 150 %).
        public var busyCores: Double
        /// The host's CPUs.
        public var hostCPUs: Int
        /// When false, `online_cpus` is left out (old Docker): only `percpu_usage` tells the CPU count.
        public var reportsOnlineCPUs: Bool
        /// When false, `precpu_stats` is empty, as on Docker's very first read of a container.
        public var reportsPrecpu: Bool
        /// `memory_stats.usage` in bytes, page cache included.
        public var memoryUsageBytes: Int
        /// The reclaimable page cache in bytes (`inactive_file` or `total_inactive_file`).
        public var inactiveFileBytes: Int
        /// `memory_stats.limit` in bytes (the host's RAM when the container has no limit).
        public var memoryLimitBytes: Int
        /// The cgroup version.
        public var cgroup: Cgroup
        /// Received and sent bytes by interface; `nil` leaves `networks` out (`network_mode: host`).
        public var networks: [String: NetworkCounters]?

        /// Creates usage; the defaults are a busy game server on a 4-CPU host.
        public init(
            busyCores: Double = 1.5,
            hostCPUs: Int = 4,
            reportsOnlineCPUs: Bool = true,
            reportsPrecpu: Bool = true,
            memoryUsageBytes: Int = 2_147_483_648,
            inactiveFileBytes: Int = 104_857_600,
            memoryLimitBytes: Int = 8_589_934_592,
            cgroup: Cgroup = .v2,
            networks: [String: NetworkCounters]? = ["eth0": NetworkCounters(rx: 123_456, tx: 654_321)]
        ) {
            self.busyCores = busyCores
            self.hostCPUs = hostCPUs
            self.reportsOnlineCPUs = reportsOnlineCPUs
            self.reportsPrecpu = reportsPrecpu
            self.memoryUsageBytes = memoryUsageBytes
            self.inactiveFileBytes = inactiveFileBytes
            self.memoryLimitBytes = memoryLimitBytes
            self.cgroup = cgroup
            self.networks = networks
        }
    }

    /// One interface's counters.
    public struct NetworkCounters: Sendable, Hashable {
        /// `rx_bytes`.
        public var rx: Int
        /// `tx_bytes`.
        public var tx: Int

        /// Creates counters.
        public init(rx: Int, tx: Int) {
            self.rx = rx
            self.tx = tx
        }
    }

    /// A scriptable warcamp (§3, §5).
    public struct Server: Sendable, Hashable {
        /// `game_uid`.
        public var gameUID: String
        /// `servername`.
        public var serverName: String
        /// Docker's status (`running`, `exited`, … or anything else).
        public var containerState: String
        /// `server_state`; `nil` sends the container state, as PEON does when it could read the container.
        public var serverState: String?
        /// `description`.
        public var description: String
        /// `container_type` while running (current era only).
        public var containerType: String
        /// `build_version` while running (current era only).
        public var buildVersion: String
        /// `server_config` while running: file names to contents. Holds a password by default, so tests can
        /// prove it never leaks.
        public var serverConfig: [String: String]
        /// `time`: the scheduled stop, epoch seconds.
        public var scheduledStop: Int?
        /// When false, `stats` is the string `"Not available"` (§6).
        public var statsReadable: Bool
        /// The resource use statistics reads are generated from (only while running).
        public var usage: Usage

        /// Creates a running server.
        public init(
            gameUID: String,
            serverName: String,
            containerState: String = "running",
            serverState: String? = nil,
            description: String = "A PEON server",
            containerType: String = "game",
            buildVersion: String = "1.4.2",
            serverConfig: [String: String] = ["settings.env": FakePeon.configSecret],
            scheduledStop: Int? = nil,
            statsReadable: Bool = true,
            usage: Usage = Usage()
        ) {
            self.gameUID = gameUID
            self.serverName = serverName
            self.containerState = containerState
            self.serverState = serverState
            self.description = description
            self.containerType = containerType
            self.buildVersion = buildVersion
            self.serverConfig = serverConfig
            self.scheduledStop = scheduledStop
            self.statsReadable = statsReadable
            self.usage = usage
        }

        /// `GAME_UID.SERVERNAME` (§3).
        public var uid: String { "\(gameUID).\(serverName)" }
    }

    /// A scripted answer that replaces the normal one.
    public enum Failure: Sendable, Hashable {
        /// 400 `{"status":"error","info":…,"exception":…}` plus `err_code` when given (§4).
        case rejected(info: String, exception: String = "docker compose failed", errorCode: String? = nil)
        /// 500 with Flask's HTML page (§4).
        case internalError
        /// 500 with Flask-RESTful's JSON `{"message": "Internal Server Error"}` (the other form §4 allows).
        case internalErrorJSON
        /// 404 `{"status":"error","info":"There was an issue getting the server."}` (§4).
        case notFound
        /// Close the connection without answering.
        case dropConnection
    }

    /// How the whole fake is down.
    public enum Outage: Sendable, Hashable {
        /// The listening socket is closed for good (connection refused) and open connections are dropped.
        case refused
        /// Every request's connection is closed without an answer.
        case dropsConnections
        /// Every request gets Flask's HTML 500 page.
        case internalError
    }

    /// One request as received. The key's value is never kept: ``headers`` shows it as `<redacted>`.
    public struct RecordedRequest: Sendable, Hashable {
        /// The method, e.g. `GET`.
        public var method: String
        /// The path, prefix included.
        public var path: String
        /// Header values by lower-cased name (the last one wins); `x-api-key` is `<redacted>`.
        public var headers: [String: String]
        /// True when `X-Api-Key` matched the fake's key.
        public var keyAccepted: Bool
        /// The body as text.
        public var body: String
    }

    /// The key the fake accepts unless told otherwise: long enough that a leak is recognisable.
    public static let defaultKey = "fake-peon-key-7c1d3e5f9a2b4c6d"
    /// The password inside every default ``Server/serverConfig``, for leak checks.
    public static let configSecret = "SERVER_PASSWORD=peon-config-secret-42"
    /// The version `GET /orchestrator` reports in the current era.
    public static let version = "1.6.0"

    private struct ScriptedFailure {
        var failure: Failure
        var uid: String?
        var remaining: Int
    }

    /// Docker's cumulative CPU counters of one container, in nanoseconds.
    private struct CPUCounters {
        var total = 100_000_000_000
        var system = 1_000_000_000_000_000
    }

    private struct State {
        var servers: [Server]
        var counters: [String: CPUCounters] = [:]
        var reads = 0
        var failures: [ScriptedFailure] = []
        var outage: Outage?
        var requests: [RecordedRequest] = []
        var inFlight = 0
        var peakConcurrency = 0
        var holding = false
        var held: [CheckedContinuation<Void, Never>] = []
        var heldWaiters: [(id: Int, count: Int, continuation: CheckedContinuation<Void, Never>)] = []
        var nextWaiterID = 0
    }

    private let state: Mutex<State>
    private let listener: Mutex<LoopbackHTTPServer?>
    /// The key the fake accepts.
    public let apiKey: String
    /// The release imitated.
    public let era: Era
    /// `http://127.0.0.1:<port>`, without the prefix.
    public let baseURL: String
    /// The port.
    public let port: Int

    private init(servers: [Server], apiKey: String, era: Era, baseURL: String, port: Int) {
        self.state = Mutex(State(servers: servers))
        self.listener = Mutex(nil)
        self.apiKey = apiKey
        self.era = era
        self.baseURL = baseURL
        self.port = port
    }

    /// Starts a fake PEON on 127.0.0.1 with an ephemeral port.
    /// - Parameters:
    ///   - servers: The warcamps.
    ///   - apiKey: The key it accepts (PEON's `API_KEY`, §2).
    ///   - era: The release imitated.
    /// - Returns: The running fake; call ``shutdown()``.
    public static func start(
        servers: [Server] = [],
        apiKey: String = FakePeon.defaultKey,
        era: Era = .current
    ) async throws -> FakePeon {
        let box = Mutex<FakePeon?>(nil)
        let loopback = try await LoopbackHTTPServer.start { request in
            guard let peon = box.withLock({ $0 }) else { return .dropConnection }
            return await peon.handle(request)
        }
        let peon = FakePeon(
            servers: servers,
            apiKey: apiKey,
            era: era,
            baseURL: loopback.baseURL,
            port: loopback.port
        )
        peon.listener.withLock { $0 = loopback }
        box.withLock { $0 = peon }
        return peon
    }

    /// Releases held requests and closes the listening socket.
    public func shutdown() async throws {
        holdRequests(false)
        let loopback = listener.withLock { listener in
            defer { listener = nil }
            return listener
        }
        try await loopback?.shutdown()
    }

    // MARK: - Scripting

    /// The current servers.
    public var servers: [Server] { state.withLock { $0.servers } }

    /// One server by uid.
    /// - Parameter uid: `GAME_UID.SERVERNAME`.
    public func server(_ uid: String) -> Server? {
        state.withLock { $0.servers.first { $0.uid == uid } }
    }

    /// Changes a server (no-op for an unknown uid).
    /// - Parameters:
    ///   - uid: `GAME_UID.SERVERNAME`.
    ///   - change: Edits the server.
    public func update(_ uid: String, _ change: (inout Server) -> Void) {
        state.withLock { state in
            guard let index = state.servers.firstIndex(where: { $0.uid == uid }) else { return }
            change(&state.servers[index])
        }
    }

    /// Adds a server.
    /// - Parameter server: The server.
    public func addServer(_ server: Server) {
        state.withLock { $0.servers.append(server) }
    }

    /// Removes a server (its container is gone).
    /// - Parameter uid: `GAME_UID.SERVERNAME`.
    public func removeServer(_ uid: String) {
        state.withLock { $0.servers.removeAll { $0.uid == uid } }
    }

    /// Makes the next `times` matching requests answer `failure`.
    /// - Parameters:
    ///   - failure: The scripted answer.
    ///   - uid: Only requests whose path ends with this uid; `nil` matches any request.
    ///   - times: How many requests.
    public func failNext(_ failure: Failure, uid: String? = nil, times: Int = 1) {
        state.withLock { $0.failures.append(ScriptedFailure(failure: failure, uid: uid, remaining: times)) }
    }

    /// Takes the whole fake down, or brings it back (`nil`). ``Outage/refused`` closes the port for good.
    /// - Parameter outage: How it is down, or `nil`.
    /// - Throws: When the listening socket fails to close.
    public func setOutage(_ outage: Outage?) async throws {
        state.withLock { $0.outage = outage }
        if outage == .refused {
            let loopback = listener.withLock { listener in
                defer { listener = nil }
                return listener
            }
            try await loopback?.shutdown()
        }
    }

    /// While `true`, every request waits before it is answered (to observe how many are in flight); `false`
    /// releases the waiting ones.
    /// - Parameter hold: Whether to hold requests.
    public func holdRequests(_ hold: Bool) {
        let released = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.holding = hold
            guard !hold else { return [] }
            defer { state.held = [] }
            return state.held
        }
        for continuation in released { continuation.resume() }
    }

    /// Waits until at least `count` requests are held by ``holdRequests(_:)``.
    /// - Parameters:
    ///   - count: Requests to wait for.
    ///   - timeout: A failure guard, not a way to wait.
    /// - Throws: ``FakePeonError/timeout(expected:received:)``.
    public func waitForHeldRequests(count: Int, timeout: Duration = .seconds(10)) async throws {
        let timedOut: @Sendable () -> any Error = {
            FakePeonError.timeout(expected: count, received: self.state.withLock { $0.held.count })
        }
        try await withTimeout(timeout, orThrow: timedOut) {
            let id = self.state.withLock { state in
                defer { state.nextWaiterID += 1 }
                return state.nextWaiterID
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let ready = self.state.withLock { state -> Bool in
                        if state.held.count >= count || Task.isCancelled { return true }
                        state.heldWaiters.append((id, count, continuation))
                        return false
                    }
                    if ready { continuation.resume() }
                }
            } onCancel: {
                let waiter = self.state.withLock { state in
                    defer { state.heldWaiters.removeAll { $0.id == id } }
                    return state.heldWaiters.first { $0.id == id }
                }
                waiter?.continuation.resume()
            }
        }
    }

    // MARK: - Observation

    /// Every request so far, oldest first.
    public var requests: [RecordedRequest] { state.withLock { $0.requests } }

    /// How many requests matched `method` and `path` (either `nil` matches all).
    /// - Parameters:
    ///   - method: E.g. `PUT`.
    ///   - path: The full path, prefix included.
    public func requestCount(method: String? = nil, path: String? = nil) -> Int {
        state.withLock { state in
            state.requests.count { request in
                (method.map { request.method == $0 } ?? true) && (path.map { request.path == $0 } ?? true)
            }
        }
    }

    /// The most requests the fake was handling at once.
    public var peakConcurrency: Int { state.withLock { $0.peakConcurrency } }

    /// Forgets recorded requests and the peak.
    public func resetCounters() {
        state.withLock { state in
            state.requests = []
            state.peakConcurrency = state.inFlight
        }
    }

    // MARK: - Handling

    private func handle(_ request: LoopbackHTTPRequest) async -> LoopbackHTTPResponse {
        let keyAccepted = request.header("X-Api-Key") == apiKey
        var headers: [String: String] = [:]
        for header in request.headers {
            let name = header.name.lowercased()
            headers[name] = name == "x-api-key" ? "<redacted>" : header.value
        }
        let recorded = RecordedRequest(
            method: request.method,
            path: request.path,
            headers: headers,
            keyAccepted: keyAccepted,
            body: String(decoding: request.body, as: UTF8.self)
        )
        let hold = state.withLock { state -> Bool in
            state.requests.append(recorded)
            state.inFlight += 1
            state.peakConcurrency = max(state.peakConcurrency, state.inFlight)
            return state.holding
        }
        if hold {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let (stillHolding, ready) = state.withLock {
                    state -> (Bool, [CheckedContinuation<Void, Never>]) in
                    guard state.holding else { return (false, []) }
                    state.held.append(continuation)
                    let count = state.held.count
                    let ready = state.heldWaiters.filter { $0.count <= count }.map(\.continuation)
                    state.heldWaiters.removeAll { $0.count <= count }
                    return (true, ready)
                }
                for waiter in ready { waiter.resume() }
                if !stillHolding { continuation.resume() }
            }
        }
        let response = answer(request, keyAccepted: keyAccepted)
        state.withLock { $0.inFlight -= 1 }
        return response
    }

    /// The answer, in PEON's order: outage, scripted failure, Flask's routing (404/405 HTML), the handler's key
    /// check (401), then the handler itself.
    private func answer(_ request: LoopbackHTTPRequest, keyAccepted: Bool) -> LoopbackHTTPResponse {
        let (outage, scripted) = state.withLock { state -> (Outage?, Failure?) in
            guard state.outage == nil else { return (state.outage, nil) }
            guard
                let index = state.failures.firstIndex(where: { failure in
                    failure.uid.map { request.path.hasSuffix("/\($0)") } ?? true
                })
            else { return (nil, nil) }
            let failure = state.failures[index].failure
            state.failures[index].remaining -= 1
            if state.failures[index].remaining <= 0 { state.failures.remove(at: index) }
            return (nil, failure)
        }
        switch outage {
        case .refused?, .dropsConnections?: return .dropConnection
        case .internalError?: return Self.flaskInternalError
        case nil: break
        }
        if let scripted { return answer(scripted) }

        // Flask routes before the handler runs, so an unknown route is 404 HTML even without a key (§4).
        guard request.path.hasPrefix(era.prefix + "/") else { return Self.flaskNotFound }
        let parts = request.path.dropFirst(era.prefix.count).split(separator: "/").map(String.init)
        switch (request.method, parts) {
        case ("GET", ["servers"]):
            guard keyAccepted else { return Self.notAuthorized }
            return Self.json(200, .array(state.withLock { $0.servers }.map(serverObject)))
        case ("GET", ["orchestrator"]) where era == .current:
            guard keyAccepted else { return Self.notAuthorized }
            return Self.json(200, .object([("version", .string(Self.version))]))
        case ("GET", let parts) where parts.count == 3 && parts[0] == "server":
            guard keyAccepted else { return Self.notAuthorized }
            return getServer(action: parts[1], uid: parts[2])
        case ("PUT", let parts) where parts.count == 3 && parts[0] == "server":
            guard keyAccepted else { return Self.notAuthorized }
            return putServer(action: parts[1], uid: parts[2])
        case (_, ["servers"]):
            return Self.flaskMethodNotAllowed
        case (_, ["orchestrator"]) where era == .current:
            return Self.flaskMethodNotAllowed
        case (_, let parts) where parts.count == 3 && parts[0] == "server":
            // DELETE (destroy) is not modelled: a status bot never calls it (§4).
            return Self.flaskMethodNotAllowed
        default:
            return Self.flaskNotFound
        }
    }

    /// `GET /server/{action}/{uid}`: PEON answers any action with the server object and adds `stats` for `stats`
    /// (peon-orc app/modules/api_v1.py); an unknown container is 404 (§4).
    private func getServer(action: String, uid: String) -> LoopbackHTTPResponse {
        let found = state.withLock { state -> (Server, FakePanelJSON?)? in
            guard let server = state.servers.first(where: { $0.uid == uid }) else { return nil }
            guard action == "stats" else { return (server, nil) }
            return (server, Self.stats(of: server, state: &state))
        }
        guard let (server, stats) = found else { return Self.serverNotFound }
        guard case .object(var members) = serverObject(server) else { return Self.serverNotFound }
        if let stats { members.append(("stats", stats)) }
        return Self.json(200, .object(members))
    }

    /// `PUT /server/{action}/{uid}` (§3, §4): 400 without a warcamp name, 500 for an unknown action, 400 when
    /// `docker compose` fails (an unknown warcamp has no compose file), else the state changes and the refreshed
    /// object comes back with 200. PEON sleeps 0.5 s before answering; the fake does not.
    private func putServer(action: String, uid: String) -> LoopbackHTTPResponse {
        guard uid.contains(".") else {
            return Self.json(
                400,
                .object([
                    ("status", .string("error")),
                    (
                        "info",
                        .string(
                            "For the requested action [\(action)] a warcamp name is required. "
                                + "You only provided [\(uid)]"
                        )
                    ),
                ])
            )
        }
        let newState: String
        switch action {
        case "start", "restart": newState = "running"
        case "stop": newState = "exited"
        default:
            // `result['info']` raises a KeyError inside the handler (§4).
            return Self.flaskInternalError
        }
        let updated = state.withLock { state -> Server? in
            guard let index = state.servers.firstIndex(where: { $0.uid == uid }) else { return nil }
            state.servers[index].containerState = newState
            state.servers[index].serverState = nil
            if action != "stop" { state.counters[uid] = nil }
            return state.servers[index]
        }
        guard let updated else {
            return Self.json(
                400,
                .object([
                    ("status", .string("error")),
                    ("info", .string("Could not complete the requested action for [\(uid)].")),
                    ("exception", .string("no such file or directory: /home/peon/servers/\(uid)")),
                ])
            )
        }
        return Self.json(200, serverObject(updated))
    }

    private func answer(_ failure: Failure) -> LoopbackHTTPResponse {
        switch failure {
        case .rejected(let info, let exception, let errorCode):
            var members: [(String, FakePanelJSON)] = [
                ("status", .string("error")), ("info", .string(info)), ("exception", .string(exception)),
            ]
            if let errorCode { members.append(("err_code", .string(errorCode))) }
            return Self.json(400, .object(members))
        case .internalError:
            return Self.flaskInternalError
        case .internalErrorJSON:
            return Self.json(500, .object([("message", .string("Internal Server Error"))]))
        case .notFound:
            return Self.serverNotFound
        case .dropConnection:
            return .dropConnection
        }
    }

    // MARK: - Bodies

    /// The server object (§5): type, version and configuration only while running; `{"state":"OFFLINE"}` as
    /// configuration when PEON could not read the running container; no type or version in the 1.0 era.
    private func serverObject(_ server: Server) -> FakePanelJSON {
        let running = server.containerState == "running"
        let serverState = server.serverState ?? server.containerState
        let config: FakePanelJSON =
            if serverState == "UNKNOWN" {
                .object([("state", .string("OFFLINE"))])
            } else if running {
                .object(server.serverConfig.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
            } else {
                .object([])
            }
        var members: [(String, FakePanelJSON)] = [
            ("game_uid", .string(server.gameUID)), ("servername", .string(server.serverName)),
        ]
        if era == .current {
            members.append(("container_type", .string(running ? server.containerType : "unknown")))
            members.append(("build_version", .string(running ? server.buildVersion : "unknown")))
        }
        members += [
            ("container_state", .string(server.containerState)),
            ("server_state", .string(serverState)),
            ("server_config", config),
            ("description", .string(server.description)),
            ("time", server.scheduledStop.map(FakePanelJSON.int) ?? .null),
        ]
        return .object(members)
    }

    /// Docker's `stats?stream=false` answer (§6). Each read is a new sample one second after the previous one, with
    /// `precpu_stats` holding the previous sample, so CPU comes from real deltas. A stopped container gets Docker's
    /// zeroed answer (no memory usage, no networks); an unreadable one `"Not available"`.
    private static func stats(of server: Server, state: inout State) -> FakePanelJSON {
        guard server.statsReadable else { return .string("Not available") }
        state.reads += 1
        let read = "2026-12-07T10:00:\(String(format2: state.reads % 60)).5Z"
        let preread = "2026-12-07T10:00:\(String(format2: (state.reads + 59) % 60)).5Z"
        guard server.containerState == "running" else {
            let zero: FakePanelJSON = .object([
                ("cpu_usage", .object([("total_usage", .int(0))])), ("throttling_data", .object([])),
            ])
            return .object([
                ("read", .string("0001-01-01T00:00:00Z")), ("preread", .string("0001-01-01T00:00:00Z")),
                ("cpu_stats", zero), ("precpu_stats", zero), ("memory_stats", .object([])),
            ])
        }
        let usage = server.usage
        var counters = state.counters[server.uid] ?? CPUCounters()
        let before = counters
        counters.system += usage.hostCPUs * 1_000_000_000
        counters.total += Int(usage.busyCores * 1_000_000_000)
        state.counters[server.uid] = counters

        func sample(_ counters: CPUCounters) -> FakePanelJSON {
            var cpuUsage: [(String, FakePanelJSON)] = [("total_usage", .int(counters.total))]
            var members: [(String, FakePanelJSON)] = []
            if usage.cgroup == .v1 || !usage.reportsOnlineCPUs {
                let share = counters.total / max(1, usage.hostCPUs)
                cpuUsage.append(("percpu_usage", .array(Array(repeating: .int(share), count: usage.hostCPUs))))
            }
            members.append(("cpu_usage", .object(cpuUsage)))
            members.append(("system_cpu_usage", .int(counters.system)))
            if usage.reportsOnlineCPUs { members.append(("online_cpus", .int(usage.hostCPUs))) }
            return .object(members)
        }
        let precpu: FakePanelJSON =
            usage.reportsPrecpu ? sample(before) : .object([("cpu_usage", .object([("total_usage", .int(0))]))])
        let memoryDetail: [(String, FakePanelJSON)] =
            switch usage.cgroup {
            case .v2: [("active_file", .int(4096)), ("inactive_file", .int(usage.inactiveFileBytes))]
            case .v1:
                [
                    ("cache", .int(usage.inactiveFileBytes + 4096)),
                    ("total_inactive_file", .int(usage.inactiveFileBytes)),
                ]
            }
        var members: [(String, FakePanelJSON)] = [
            ("read", .string(read)), ("preread", .string(preread)),
            ("cpu_stats", sample(counters)), ("precpu_stats", precpu),
            (
                "memory_stats",
                .object([
                    ("usage", .int(usage.memoryUsageBytes)), ("limit", .int(usage.memoryLimitBytes)),
                    ("stats", .object(memoryDetail)),
                ])
            ),
            ("name", .string("/peon.warcamp.\(server.uid)")),
        ]
        if let networks = usage.networks {
            members.append(
                (
                    "networks",
                    .object(
                        networks.sorted { $0.key < $1.key }.map {
                            ($0.key, .object([("rx_bytes", .int($0.value.rx)), ("tx_bytes", .int($0.value.tx))]))
                        }
                    )
                )
            )
        }
        return .object(members)
    }

    /// Flask-RESTful's JSON answer: `json.dumps` and a newline.
    private static func json(_ status: Int, _ value: FakePanelJSON) -> LoopbackHTTPResponse {
        LoopbackHTTPResponse(
            status: status,
            headers: [("Content-Type", "application/json")],
            body: Array((value.rendered(as: .python) + "\n").utf8)
        )
    }

    /// 401 with the JSON string `"Not authorized"` (§2).
    private static let notAuthorized = json(401, .string("Not authorized"))

    /// 404 for an unknown or unreadable container on GET (§4).
    private static let serverNotFound = json(
        404,
        .object([("status", .string("error")), ("info", .string("There was an issue getting the server."))])
    )

    /// Flask's own 404 page for a route it does not have (a wrong prefix, `/orchestrator` before 2025, §4).
    private static let flaskNotFound = flaskPage(
        404,
        "Not Found",
        "The requested URL was not found on the server. If you entered the URL manually please check your "
            + "spelling and try again."
    )

    /// Flask's own 405 page for a method the route does not take.
    private static let flaskMethodNotAllowed = flaskPage(
        405,
        "Method Not Allowed",
        "The method is not allowed for the requested URL."
    )

    /// Flask's own 500 page for an exception inside a handler (§4).
    private static let flaskInternalError = flaskPage(
        500,
        "Internal Server Error",
        "The server encountered an internal error and was unable to complete your request. Either the server is "
            + "overloaded or there is an error in the application."
    )

    private static func flaskPage(_ status: Int, _ title: String, _ text: String) -> LoopbackHTTPResponse {
        let html =
            "<!doctype html>\n<html lang=en>\n<title>\(status) \(title)</title>\n<h1>\(title)</h1>\n<p>\(text)</p>\n"
        return LoopbackHTTPResponse(
            status: status,
            headers: [("Content-Type", "text/html; charset=utf-8")],
            body: Array(html.utf8)
        )
    }
}

/// Failures of the fake's own helpers.
public enum FakePeonError: Error, Equatable, CustomStringConvertible {
    /// Fewer requests than expected were held in time.
    case timeout(expected: Int, received: Int)

    /// What was expected and what arrived.
    public var description: String {
        switch self {
        case .timeout(let expected, let received): "expected \(expected) held requests, got \(received) in time"
        }
    }
}

extension String {
    /// Two digits, zero-padded.
    fileprivate init(format2 value: Int) {
        self = value < 10 ? "0\(value)" : String(value)
    }
}
