import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

/// What the probe server answers for one path.
public struct ProbeResponse: Sendable, Equatable {
    /// The HTTP status, e.g. 200 or 503.
    public var status: Int
    /// The `Content-Type`.
    public var contentType: String
    /// The body.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, contentType: String, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}

/// Where and how the probe server listens.
public struct ProbeServerConfiguration: Sendable {
    /// The address to bind, e.g. `127.0.0.1` or `0.0.0.0`.
    public var host: String
    /// The port; 0 picks a free one (tests).
    public var port: Int
    /// Connections served at once; more are closed at once, so a flood cannot grow memory.
    public var maxConnections: Int
    /// The longest a connection may stay open: one request and its answer. A client that sends its request
    /// byte by byte (slowloris) is cut off here.
    public var connectionDeadline: Duration

    /// Creates a configuration.
    public init(host: String, port: Int, maxConnections: Int = 16, connectionDeadline: Duration = .seconds(10)) {
        self.host = host
        self.port = port
        self.maxConnections = maxConnections
        self.connectionDeadline = connectionDeadline
    }
}

/// A small HTTP/1.1 server for Prometheus scrapes and health probes: one GET or HEAD per connection, answered
/// by the routes the caller gives (unknown paths 404, other methods 405) and then closed.
///
/// It never blocks the bot: requests are served on their own tasks, connections are bounded in number and in
/// lifetime, and the HTTP parser's limits (80 KiB of headers) turn oversized or malformed requests into a 400.
public final class ProbeServer: Service, Sendable {
    /// Answers a path (without the query), or nil for 404.
    public typealias Routes = @Sendable (_ path: String) async -> ProbeResponse?

    private let configuration: ProbeServerConfiguration
    private let routes: Routes
    private let logger: Logger
    private let boundPort = Mutex<(port: Int?, waiters: [CheckedContinuation<Int?, Never>])>((nil, []))
    private let activeConnections = Atomic<Int>(0)

    /// Creates the server; nothing listens until ``run()``.
    /// - Parameters:
    ///   - configuration: The address and limits.
    ///   - routes: What to answer.
    ///   - logger: Bind failures and refused connections are logged here.
    public init(configuration: ProbeServerConfiguration, routes: @escaping Routes, logger: Logger) {
        self.configuration = configuration
        self.routes = routes
        self.logger = logger
    }

    /// The port bound, once listening (tests bind port 0); nil if binding failed.
    public func port() async -> Int? {
        await withCheckedContinuation { continuation in
            let port = self.boundPort.withLock { state -> Int?? in
                if let port = state.port { return .some(port) }
                state.waiters.append(continuation)
                return .none
            }
            if let port { continuation.resume(returning: port) }
        }
    }

    /// Listens until graceful shutdown or cancellation.
    /// - Throws: A bind error (address in use, not an address of this machine), naming the address.
    public func run() async throws {
        let deadline = TimeAmount(self.configuration.connectionDeadline)
        let server: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
        do {
            server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.backlog, value: 64)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: self.configuration.host, port: self.configuration.port) { channel in
                    // A connection lives for one request; past its deadline it is closed whatever it is doing.
                    channel.eventLoop.scheduleTask(in: deadline) { channel.close(promise: nil) }
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        return try NIOAsyncChannel(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            self.publishPort(nil)
            throw ProbeServerError.cannotListen(
                address: "\(self.configuration.host):\(self.configuration.port)",
                reason: "\(error)"
            )
        }
        self.publishPort(server.channel.localAddress?.port)
        self.logger.info(
            "serving /metrics, /healthz and /readyz",
            metadata: ["address": "\(self.configuration.host):\(server.channel.localAddress?.port ?? 0)"]
        )
        try await withTaskCancellationOrGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        guard self.admit() else {
                            try? await connection.executeThenClose { _, _ in }
                            continue
                        }
                        group.addTask {
                            defer { self.activeConnections.subtract(1, ordering: .relaxed) }
                            await self.serve(connection)
                        }
                    }
                }
            }
        } onCancelOrGracefulShutdown: {
            server.channel.close(promise: nil)
        }
    }

    private func admit() -> Bool {
        let (_, admitted) = self.activeConnections.add(1, ordering: .relaxed)
        if admitted > self.configuration.maxConnections {
            self.activeConnections.subtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    private func publishPort(_ port: Int?) {
        let waiters = self.boundPort.withLock { state in
            state.port = port
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: port) }
    }

    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            for try await part in inbound {
                switch part {
                case .head(let requestHead):
                    head = requestHead
                case .body:
                    // Probes carry no body; whatever comes is dropped, never kept.
                    continue
                case .end:
                    guard let head else { return }
                    let response = await self.response(to: head)
                    try await self.write(response, isHead: head.method == .HEAD, version: head.version, to: outbound)
                    return
                }
            }
        }
    }

    private func response(to head: HTTPRequestHead) async -> ProbeResponse {
        guard head.method == .GET || head.method == .HEAD else {
            return ProbeResponse(status: 405, contentType: "text/plain", body: Array("method not allowed\n".utf8))
        }
        let path = String(head.uri.prefix { $0 != "?" })
        return await self.routes(path)
            ?? ProbeResponse(status: 404, contentType: "text/plain", body: Array("not found\n".utf8))
    }

    private func write(
        _ response: ProbeResponse,
        isHead: Bool,
        version: HTTPVersion,
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: "\(response.body.count)")
        headers.add(name: "Connection", value: "close")
        if response.status == 405 {
            headers.add(name: "Allow", value: "GET, HEAD")
        }
        let status = HTTPResponseStatus(statusCode: response.status)
        try await outbound.write(.head(HTTPResponseHead(version: version, status: status, headers: headers)))
        if !isHead {
            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body))))
        }
        try await outbound.write(.end(nil))
    }
}

/// The probe server could not start.
public enum ProbeServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Binding failed: the address is in use or not one of this machine's.
    case cannotListen(address: String, reason: String)

    /// What failed and what to change.
    public var description: String {
        switch self {
        case .cannotListen(let address, let reason):
            "cannot listen on \(address) ([Bot] MetricsListen): \(reason); choose a free port or an address of "
                + "this machine (0.0.0.0 for every interface)"
        }
    }
}
