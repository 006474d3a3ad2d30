import PanelCore
import Pterodactyl
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An in-process Pterodactyl/Pelican panel on loopback, shaped like the real one
/// (`../shared/reference/pterodactyl-api.md`): Fractal envelopes, pagination, includes, the 409/404/504 matrix,
/// key checks, a fixed-window rate limit with `X-RateLimit-*` and `Retry-After`, plus scripting hooks.
///
/// Tests, the orchestrator's tests and the demo change servers at any time with ``setState(_:for:)``,
/// ``setResources(_:for:)`` or ``update(_:_:)``; ``failNext(_:for:times:)`` scripts failures; ``requestCount(path:)``
/// and ``peakConcurrency`` observe the client.
public final class FakePanel: Sendable {
    /// Which panel the fake imitates.
    public enum Flavor: Sendable, Hashable {
        /// Pterodactyl: `ptlc_`/`ptla_` keys, deprecated `is_suspended`/`is_installing` still sent.
        case pterodactyl
        /// Pelican: `pacc_`/`papp_` keys, only the `status` field.
        case pelican
    }

    /// A scripted answer that replaces the normal one.
    public enum Failure: Sendable, Hashable {
        /// A panel error body `{"errors":[{code,status,detail}]}` with this status.
        case panelError(status: Int, code: String, detail: String)
        /// 429 with `Retry-After: seconds` and the rate-limit headers.
        case rateLimited(retryAfterSeconds: Int)
        /// 200 with a body that is not JSON.
        case malformedJSON
        /// A proxy's HTML error page with this status.
        case htmlPage(status: Int)
        /// `302 Location: /auth/login`, as the panel answers a bad key without a JSON `Accept`.
        case redirectToLogin
        /// Close the connection without answering.
        case dropConnection
        /// Never answer until ``FakePanel/releaseHungRequests()`` or ``FakePanel/shutdown()``.
        case hang
    }

    /// The per-user budgets the fake enforces (fixed 60 s windows, as Laravel's limiter does).
    public struct RateLimits: Sendable, Hashable {
        /// Client API requests per window.
        public var client: Int
        /// Application API requests per window.
        public var application: Int

        /// Creates limits; defaults are the panel's (720 and 240).
        public init(client: Int = 720, application: Int = 240) {
            self.client = client
            self.application = application
        }

        /// Limits no test reaches.
        public static let unlimited = RateLimits(client: .max, application: .max)
    }

    /// A scriptable server.
    public struct Server: Sendable, Hashable {
        /// The 8-character identifier.
        public var id: ServerID
        /// The UUID.
        public var uuid: String
        /// The numeric id.
        public var internalID: Int
        /// The name.
        public var name: String
        /// The description.
        public var description: String
        /// The node id (see ``FakePanel/Node``).
        public var nodeID: Int
        /// The raw `status` column (`nil`, `installing`, `suspended`, `restoring_backup`, ...).
        public var status: String?
        /// True while transferring.
        public var isTransferring: Bool
        /// Limits (MiB, percent of one core).
        public var limits: ServerLimits
        /// Allocations; the first with `isDefault` is primary.
        public var allocations: [ServerAllocation]
        /// The raw Wings `current_state` (`running`, `offline`, ... or anything else).
        public var powerState: String
        /// Usage returned by `/resources` (its `state` is ignored in favour of ``powerState``).
        public var resources: ServerResources
        /// When true, `/resources` and power answer 504 `DaemonConnectionException` for this server.
        public var daemonUnreachable: Bool
        /// The `docker_image` of the client listing.
        public var dockerImage: String = "ghcr.io/pterodactyl/yolks:java_21"
        /// The egg's startup variables (`env_variable` → `server_value`); `nil` sends a `null_resource`, as the
        /// panel does for a subuser without `startup.read`.
        public var startupVariables: [String: String]? = ["SERVER_JARFILE": "server.jar"]

        /// Creates a running server with one allocation.
        public init(
            id: ServerID,
            uuid: String,
            internalID: Int,
            name: String,
            description: String = "",
            nodeID: Int = 1,
            status: String? = nil,
            isTransferring: Bool = false,
            limits: ServerLimits = ServerLimits(
                memoryMiB: 4096,
                swapMiB: 0,
                diskMiB: 20480,
                cpuPercent: 200,
                ioWeight: 500
            ),
            allocations: [ServerAllocation]? = nil,
            powerState: String = "running",
            resources: ServerResources? = nil,
            daemonUnreachable: Bool = false
        ) {
            self.id = id
            self.uuid = uuid
            self.internalID = internalID
            self.name = name
            self.description = description
            self.nodeID = nodeID
            self.status = status
            self.isTransferring = isTransferring
            self.limits = limits
            self.allocations =
                allocations ?? [
                    ServerAllocation(id: internalID * 10, ip: "203.0.113.10", port: 25565 + internalID, isDefault: true)
                ]
            self.powerState = powerState
            self.resources =
                resources
                ?? ServerResources(
                    state: .running,
                    memoryBytes: 1_073_741_824,
                    cpuAbsolute: 42.5,
                    diskBytes: 2_147_483_648,
                    networkRxBytes: 1000,
                    networkTxBytes: 2000,
                    uptimeMilliseconds: 3_600_000
                )
            self.daemonUnreachable = daemonUnreachable
        }

        /// A deterministic server number `index` (from 1): identifier `a0000001`-style, UUID built from it.
        /// - Parameters:
        ///   - index: From 1.
        ///   - nodeID: Its node.
        ///   - name: Its name (default `Server <index>`).
        public static func numbered(_ index: Int, nodeID: Int = 1, name: String? = nil) -> Server {
            let hex = String(index, radix: 16)
            let identifier = "a" + String(repeating: "0", count: max(0, 7 - hex.count)) + hex
            let tail = String(repeating: "0", count: max(0, 12 - hex.count)) + hex
            return Server(
                id: ServerID(identifier),
                uuid: "\(identifier)-0000-4000-8000-\(tail)",
                internalID: index,
                name: name ?? "Server \(index)",
                nodeID: nodeID
            )
        }
    }

    /// A node.
    public struct Node: Sendable, Hashable {
        /// Numeric id.
        public var id: Int
        /// Name.
        public var name: String
        /// Total memory, MiB.
        public var memoryMiB: Int
        /// Total disk, MiB.
        public var diskMiB: Int
        /// Maintenance mode: `/resources` and power answer 409.
        public var maintenanceMode: Bool
        /// When false, every server on it answers 504 on `/resources`.
        public var wingsReachable: Bool
        /// Free (unassigned) allocations on the node, besides those of its servers.
        public var freeAllocations: [ServerAllocation]
        /// The node's location (Pterodactyl only: Pelican has none and sends neither `location_id` nor the
        /// include); `nil` answers the `location` include with a `null_resource`, as for a key without
        /// `r_locations`.
        public var location: PanelLocation?
        /// Total CPU, percent of one core (Pelican only; 0 is unlimited).
        public var cpuPercent: Int
        /// CPU over-allocation percent (Pelican only; -1 disables the check).
        public var cpuOverallocatePercent: Int

        /// Creates a node.
        public init(
            id: Int,
            name: String,
            memoryMiB: Int = 32768,
            diskMiB: Int = 512_000,
            maintenanceMode: Bool = false,
            wingsReachable: Bool = true,
            freeAllocations: [ServerAllocation] = [],
            location: PanelLocation? = PanelLocation(id: 1, short: "de-fra", long: "Frankfurt"),
            cpuPercent: Int = 0,
            cpuOverallocatePercent: Int = 0
        ) {
            self.id = id
            self.name = name
            self.memoryMiB = memoryMiB
            self.diskMiB = diskMiB
            self.maintenanceMode = maintenanceMode
            self.wingsReachable = wingsReachable
            self.freeAllocations = freeAllocations
            self.location = location
            self.cpuPercent = cpuPercent
            self.cpuOverallocatePercent = cpuOverallocatePercent
        }
    }

    /// One request as the fake saw it (the key itself is not kept).
    public struct RecordedRequest: Sendable, Hashable {
        /// Method.
        public var method: String
        /// Path without query.
        public var path: String
        /// Query parameters.
        public var query: [String: String]
        /// The kind of the key sent, if it matched one of the fake's keys.
        public var keyKind: PanelAPIKey.Kind?
        /// True when `Accept` asked for JSON.
        public var acceptsJSON: Bool
    }

    /// One entry of a server's activity log, as `GET /api/client/servers/{server}/activity` lists it
    /// (pterodactyl/panel `app/Transformers/Api/Client/ActivityLogTransformer.php`).
    public struct ActivityEntry: Sendable, Hashable {
        /// The event, e.g. `server:power.stop`.
        public var event: String
        /// When it was logged (rendered in whole seconds, as `toIso8601String()` does).
        public var loggedAt: Date
        /// True when an API key made the request.
        public var isAPI: Bool
        /// The acting user's name, or `nil` for a system event (no `actor` relationship).
        public var actor: String?

        /// Creates an entry.
        /// - Parameters:
        ///   - event: The event name.
        ///   - loggedAt: When it was logged.
        ///   - isAPI: Whether an API key made the request.
        ///   - actor: The acting user, `nil` for a system event.
        public init(event: String, loggedAt: Date, isAPI: Bool = false, actor: String? = "owner") {
            self.event = event
            self.loggedAt = loggedAt
            self.isAPI = isAPI
            self.actor = actor
        }
    }

    /// Pagination that breaks the panel's contract, as something in front of it might. The panel itself
    /// answers `meta.pagination` with `current_page` and `total_pages` (Fractal's `IlluminatePaginatorAdapter`,
    /// used by pterodactyl/panel's `PterodactylSerializer`); these model a caching proxy that drops the query
    /// string and an envelope trimmed of `total_pages`, not panel behaviour.
    public enum PaginationQuirk: Sendable, Hashable {
        /// Honest pagination.
        case none
        /// `?page` is ignored: every answer is page 1 with `current_page: 1`.
        case ignoresPageParameter
        /// `total_pages` (and `links`) are left out; `current_page` is honest.
        case omitsTotalPages
    }

    struct ScriptedFailure: Sendable {
        var failure: Failure
        var server: ServerID?
        var remaining: Int
    }

    struct Window: Sendable {
        var start: Duration
        var count: Int
    }

    struct State: Sendable {
        var servers: [Server]
        var nodes: [Node]
        var latency: Duration
        var rateLimits: RateLimits
        var panelDown = false
        var clientKeyRevoked = false
        var paginationQuirk = PaginationQuirk.none
        var failures: [ScriptedFailure] = []
        var requests: [RecordedRequest] = []
        var inFlight = 0
        var peakConcurrency = 0
        var windows: [String: Window] = [:]
        var powerSignals: [(ServerID, PowerSignal)] = []
        /// Each server's activity log, oldest first.
        var activity: [ServerID: [ActivityEntry]] = [:]
        /// Servers whose activity log the key may not read (`nil`: every server).
        var activityDenied: Set<ServerID>? = []
        /// False for a panel older than 1.8: the activity route does not exist.
        var activityLogAvailable = true
        /// The offset from UTC activity timestamps are rendered with (the panel's `APP_TIMEZONE`).
        var activityUTCOffsetSeconds = 0
        /// Servers whose websocket the key may not open (`nil`: every server).
        var websocketDenied: Set<ServerID>? = []
        /// Where websocket credentials point (`nil`: `ws://127.0.0.1:<the fake's port>`).
        var wingsSocketBase: String?
        /// Where websocket credentials of each node's servers point; wins over ``wingsSocketBase``.
        var wingsSocketBases: [Int: String] = [:]
        /// Websocket tokens handed out so far (each token text is distinct).
        var websocketTokensIssued = 0
        var hung: [CheckedContinuation<Void, Never>] = []
        /// Tasks waiting for at least `count` hung requests.
        var hungWaiters: [(id: Int, count: Int, continuation: CheckedContinuation<Void, Never>)] = []
        /// Tasks waiting for at least `count` requests to `path`.
        var requestWaiters: [(id: Int, path: String, count: Int, continuation: CheckedContinuation<Void, Never>)] = []
        var nextWaiterID = 0

        /// Records a request; returns the waiters that may now go on.
        mutating func record(_ request: RecordedRequest) -> [CheckedContinuation<Void, Never>] {
            requests.append(request)
            let ready = requestWaiters.filter { waiter in requests.count { $0.path == waiter.path } >= waiter.count }
            requestWaiters.removeAll { waiter in ready.contains { $0.id == waiter.id } }
            return ready.map(\.continuation)
        }

        /// Holds a request for ``Failure/hang``; returns the waiters that may now go on.
        mutating func hold(_ continuation: CheckedContinuation<Void, Never>) -> [CheckedContinuation<Void, Never>] {
            hung.append(continuation)
            let ready = hungWaiters.filter { $0.count <= hung.count }
            hungWaiters.removeAll { $0.count <= hung.count }
            return ready.map(\.continuation)
        }
    }

    let state: Mutex<State>
    let flavor: Flavor
    let now: @Sendable () -> Duration
    /// The wall-clock date at the fake's time zero; activity timestamps are `epoch + now()`.
    public let epoch: Date
    /// The client key the fake accepts.
    public let clientKey: PanelAPIKey
    /// The application key the fake accepts.
    public let applicationKey: PanelAPIKey
    private let server: Mutex<LoopbackHTTPServer?>

    /// `http://127.0.0.1:<port>`.
    public let baseURL: String
    /// The port.
    public let port: Int

    private init(
        servers: [Server],
        nodes: [Node],
        latency: Duration,
        flavor: Flavor,
        rateLimits: RateLimits,
        now: @escaping @Sendable () -> Duration,
        epoch: Date,
        baseURL: String,
        port: Int
    ) {
        self.state = Mutex(State(servers: servers, nodes: nodes, latency: latency, rateLimits: rateLimits))
        self.flavor = flavor
        self.now = now
        self.epoch = epoch
        let (clientPrefix, applicationPrefix) = flavor == .pelican ? ("pacc_", "papp_") : ("ptlc_", "ptla_")
        self.clientKey = PanelAPIKey(clientPrefix + "FakeClientK1" + "s3cr3tClientSecretValue0000000000Zq9X")
        self.applicationKey = PanelAPIKey(applicationPrefix + "FakeApplic1" + "s3cr3tApplicationSecretValue0000Wv7Y")
        self.server = Mutex(nil)
        self.baseURL = baseURL
        self.port = port
    }

    /// Starts a fake panel on 127.0.0.1.
    /// - Parameters:
    ///   - servers: Initial servers.
    ///   - nodes: Nodes (default: one node with id 1).
    ///   - latency: Added to every answer (real time).
    ///   - flavor: Pterodactyl or Pelican.
    ///   - rateLimits: Fixed-window budgets (default: the panel's 720/240).
    ///   - now: The fake's time for its rate-limit windows and activity log (default: a continuous clock). Pass
    ///     `{ manualClock.now.offset }` to share a test's manual clock.
    ///   - epoch: The wall-clock date at the fake's time zero (default: the date at start), so activity
    ///     timestamps are `epoch + now()`.
    /// - Returns: The running fake; call ``shutdown()``.
    public static func start(
        servers: [Server] = [],
        nodes: [Node] = [Node(id: 1, name: "Node 1")],
        latency: Duration = .zero,
        flavor: Flavor = .pterodactyl,
        rateLimits: RateLimits = RateLimits(),
        now: (@Sendable () -> Duration)? = nil,
        epoch: Date? = nil
    ) async throws -> FakePanel {
        let clock = ContinuousClock()
        let origin = clock.now
        let timeSource = now ?? { @Sendable in origin.duration(to: clock.now) }
        let box = Mutex<FakePanel?>(nil)
        let loopback = try await LoopbackHTTPServer.start { request in
            guard let panel = box.withLock({ $0 }) else { return .dropConnection }
            return await panel.handle(request)
        }
        let panel = FakePanel(
            servers: servers,
            nodes: nodes,
            latency: latency,
            flavor: flavor,
            rateLimits: rateLimits,
            now: timeSource,
            epoch: epoch ?? Date(),
            baseURL: loopback.baseURL,
            port: loopback.port
        )
        panel.server.withLock { $0 = loopback }
        box.withLock { $0 = panel }
        return panel
    }

    /// Releases hung requests and closes the listening socket.
    public func shutdown() async throws {
        releaseHungRequests()
        let loopback = server.withLock { $0 }
        try await loopback?.shutdown()
    }

    // MARK: - Scripting

    /// Replaces a server with the result of `change` (no-op for an unknown id).
    /// - Parameters:
    ///   - id: The server.
    ///   - change: Edits the server.
    public func update(_ id: ServerID, _ change: (inout Server) -> Void) {
        state.withLock { state in
            guard let index = state.servers.firstIndex(where: { $0.id == id }) else { return }
            change(&state.servers[index])
        }
    }

    /// Puts a server into `serverState`, clearing the other conditions first.
    ///
    /// Power states set `current_state`; `suspended`, `installing`, `restoringBackup` set the panel `status`;
    /// `transferring` sets `is_transferring`; `nodeMaintenance` puts the server's node in maintenance;
    /// `nodeOffline` makes Wings unreachable for this server; `removed` deletes it; `panelUnreachable` makes the
    /// whole fake drop every connection (undo with ``setPanelDown(_:)``); `unknown` sends a `current_state` the bot
    /// does not know.
    /// - Parameters:
    ///   - serverState: The state.
    ///   - id: The server.
    public func setState(_ serverState: ServerState, for id: ServerID) {
        state.withLock { state in
            guard let index = state.servers.firstIndex(where: { $0.id == id }) else { return }
            let nodeID = state.servers[index].nodeID
            state.servers[index].status = nil
            state.servers[index].isTransferring = false
            state.servers[index].daemonUnreachable = false
            for nodeIndex in state.nodes.indices where state.nodes[nodeIndex].id == nodeID {
                state.nodes[nodeIndex].maintenanceMode = false
            }
            switch serverState {
            case .running, .starting, .stopping, .offline:
                state.servers[index].powerState = serverState.rawValue
                if serverState == .offline {
                    state.servers[index].resources = ServerResources(
                        state: .offline,
                        diskBytes: state.servers[index].resources.diskBytes
                    )
                }
            case .suspended: state.servers[index].status = "suspended"
            case .installing: state.servers[index].status = "installing"
            case .restoringBackup: state.servers[index].status = "restoring_backup"
            case .transferring: state.servers[index].isTransferring = true
            case .nodeMaintenance:
                for nodeIndex in state.nodes.indices where state.nodes[nodeIndex].id == nodeID {
                    state.nodes[nodeIndex].maintenanceMode = true
                }
            case .nodeOffline: state.servers[index].daemonUnreachable = true
            case .removed: state.servers.remove(at: index)
            case .panelUnreachable: state.panelDown = true
            case .unknown: state.servers[index].powerState = "unknown-state"  // Wings' value the bot does not know
            }
        }
    }

    /// Sets the usage `/resources` returns (and the power state from `resources.state` when it is one).
    /// - Parameters:
    ///   - resources: The usage.
    ///   - id: The server.
    public func setResources(_ resources: ServerResources, for id: ServerID) {
        update(id) { server in
            server.resources = resources
            if resources.state.isPowerState { server.powerState = resources.rawState }
        }
    }

    /// Adds a server.
    /// - Parameter server: The server.
    public func addServer(_ server: Server) {
        state.withLock { $0.servers.append(server) }
    }

    /// The current servers.
    public var servers: [Server] { state.withLock { $0.servers } }

    /// Changes a node.
    /// - Parameters:
    ///   - id: Node id.
    ///   - change: Edits the node.
    public func updateNode(_ id: Int, _ change: (inout Node) -> Void) {
        state.withLock { state in
            guard let index = state.nodes.firstIndex(where: { $0.id == id }) else { return }
            change(&state.nodes[index])
        }
    }

    /// Makes the client key unknown to the panel (deleted or revoked by its owner) or valid again: requests with
    /// it get the panel's 401 `AuthenticationException` "Unauthenticated." (`app/Exceptions/Handler.php`).
    /// - Parameter revoked: Whether the key is revoked.
    public func revokeClientKey(_ revoked: Bool = true) {
        state.withLock { $0.clientKeyRevoked = revoked }
    }

    /// Makes every request drop its connection (`true`) or answer normally again.
    /// - Parameter down: Whether the panel is down.
    public func setPanelDown(_ down: Bool) {
        state.withLock { $0.panelDown = down }
    }

    /// Makes list answers break the pagination contract (see ``PaginationQuirk``).
    /// - Parameter quirk: The quirk, or `.none`.
    public func setPaginationQuirk(_ quirk: PaginationQuirk) {
        state.withLock { $0.paginationQuirk = quirk }
    }

    /// Changes the latency added to every answer.
    /// - Parameter latency: The delay.
    public func setLatency(_ latency: Duration) {
        state.withLock { $0.latency = latency }
    }

    /// Makes the next `times` matching requests fail as `failure`.
    /// - Parameters:
    ///   - failure: The scripted answer.
    ///   - server: Only requests about this server (path containing `/servers/<id>`); `nil` matches any request.
    ///   - times: How many requests.
    public func failNext(_ failure: Failure, for server: ServerID? = nil, times: Int = 1) {
        state.withLock { $0.failures.append(ScriptedFailure(failure: failure, server: server, remaining: times)) }
    }

    /// Answers every request held by ``Failure/hang`` with a dropped connection.
    public func releaseHungRequests() {
        let hung = state.withLock { state in
            defer { state.hung = [] }
            return state.hung
        }
        for continuation in hung { continuation.resume() }
    }

    /// Makes `GET /api/client/servers/{server}/websocket` answer the panel's 403 for a key without
    /// `websocket.connect` (`WebsocketController.php`), or allows it again.
    /// - Parameters:
    ///   - denied: Whether the websocket is refused.
    ///   - server: Only this server; `nil` for every server.
    public func denyWebsocket(_ denied: Bool = true, for server: ServerID? = nil) {
        state.withLock { state in
            switch (denied, server) {
            case (true, nil): state.websocketDenied = nil
            case (false, nil): state.websocketDenied = []
            case (true, let id?): state.websocketDenied?.insert(id)
            case (false, let id?): state.websocketDenied?.remove(id)
            }
        }
    }

    /// Sets the scheme, host and port websocket credentials point at, e.g. `ws://127.0.0.1:8080` (a fake Wings);
    /// the socket URL is `<base>/api/servers/<uuid>/ws`. `nil` restores the fake's own address.
    /// - Parameter base: The base without a trailing slash.
    public func setWingsSocketBase(_ base: String?) {
        state.withLock { $0.wingsSocketBase = base }
    }

    /// Sets where websocket credentials of one node's servers point, e.g. that node's fake Wings. The panel builds
    /// `socket` from the server's node (its FQDN and daemon port, `WebsocketController.php`, reference §12), so
    /// servers on different nodes reach different Wings. It wins over ``setWingsSocketBase(_:)``; `nil` removes it.
    /// - Parameters:
    ///   - base: The base without a trailing slash, e.g. `ws://127.0.0.1:8080`.
    ///   - nodeID: The node (``Server/nodeID``).
    public func setWingsSocketBase(_ base: String?, forNode nodeID: Int) {
        state.withLock { $0.wingsSocketBases[nodeID] = base }
    }

    // MARK: - Observation

    /// Waits until at least `count` requests are held by ``Failure/hang`` (a request in flight that the bot is
    /// waiting on).
    /// - Throws: ``FakePanelError/timeout(expected:received:)`` after `timeout`.
    public func waitForHungRequests(count: Int, timeout: Duration = .seconds(10)) async throws {
        let timedOut: @Sendable () -> any Error = {
            FakePanelError.timeout(expected: count, received: self.state.withLock { $0.hung.count })
        }
        try await withTimeout(timeout, orThrow: timedOut) { await self.hungRequests(atLeast: count) }
    }

    /// Returns once `count` requests are hung, or once the wait is cancelled.
    private func hungRequests(atLeast count: Int) async {
        let id = state.withLock { state in
            defer { state.nextWaiterID += 1 }
            return state.nextWaiterID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let goOn = state.withLock { state -> Bool in
                    if state.hung.count >= count || Task.isCancelled { return true }
                    state.hungWaiters.append((id, count, continuation))
                    return false
                }
                if goOn { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.hungWaiters.removeAll { $0.id == id } }
                return state.hungWaiters.first { $0.id == id }
            }
            waiter?.continuation.resume()
        }
    }

    /// Waits until at least `count` requests with exactly this path arrived (e.g. the next cycle's `/resources`).
    /// - Throws: ``FakePanelError/timeout(expected:received:)`` after `timeout`.
    public func waitForRequests(count: Int, path: String, timeout: Duration = .seconds(10)) async throws {
        let timedOut: @Sendable () -> any Error = {
            FakePanelError.timeout(expected: count, received: self.requestCount(path: path))
        }
        try await withTimeout(timeout, orThrow: timedOut) {
            let id = self.state.withLock { state in
                defer { state.nextWaiterID += 1 }
                return state.nextWaiterID
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let goOn = self.state.withLock { state -> Bool in
                        if state.requests.count(where: { $0.path == path }) >= count || Task.isCancelled { return true }
                        state.requestWaiters.append((id, path, count, continuation))
                        return false
                    }
                    if goOn { continuation.resume() }
                }
            } onCancel: {
                let waiter = self.state.withLock { state in
                    defer { state.requestWaiters.removeAll { $0.id == id } }
                    return state.requestWaiters.first { $0.id == id }
                }
                waiter?.continuation.resume()
            }
        }
    }

    /// Every request so far, oldest first.
    public var requests: [RecordedRequest] { state.withLock { $0.requests } }

    /// How many requests had exactly this path (or all requests for `nil`).
    /// - Parameter path: A path such as `/api/client`.
    public func requestCount(path: String? = nil) -> Int {
        state.withLock { state in
            guard let path else { return state.requests.count }
            return state.requests.count { $0.path == path }
        }
    }

    /// The most requests the fake was handling at once.
    public var peakConcurrency: Int { state.withLock { $0.peakConcurrency } }

    /// Power signals received and accepted, oldest first.
    public var powerSignals: [(ServerID, PowerSignal)] { state.withLock { $0.powerSignals } }

    /// Forgets recorded requests, power signals and the peak.
    public func resetCounters() {
        state.withLock { state in
            state.requests = []
            state.powerSignals = []
            state.peakConcurrency = state.inFlight
        }
    }
}

/// Failures of the fake panel's own helpers.
public enum FakePanelError: Error, Equatable, CustomStringConvertible {
    /// Fewer requests than expected arrived in time.
    case timeout(expected: Int, received: Int)

    public var description: String {
        switch self {
        case .timeout(let expected, let received): "expected \(expected) hung requests, got \(received) in time"
        }
    }
}
