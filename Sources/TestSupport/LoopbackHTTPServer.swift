import NIOCore
import NIOHTTP1
import NIOPosix

/// One HTTP request as received by a ``LoopbackHTTPServer``.
public struct LoopbackHTTPRequest: Sendable {
    /// The method, upper case (`GET`, `PATCH`, ...).
    public var method: String
    /// The raw request target, with query string.
    public var uri: String
    /// The path part of ``uri``, percent-decoding not applied.
    public var path: String
    /// Query parameters (the last value wins for repeated names); percent-decoded.
    public var query: [String: String]
    /// Header fields in arrival order.
    public var headers: [(name: String, value: String)]
    /// The whole body.
    public var body: [UInt8]

    /// Creates a request value (used by the server and by unit tests of handlers).
    public init(
        method: String,
        uri: String,
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = []
    ) {
        self.method = method
        self.uri = uri
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        self.path = String(parts.first ?? "")
        var query: [String: String] = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = Self.percentDecode(keyValue[0])
                query[key] = keyValue.count == 2 ? Self.percentDecode(keyValue[1]) : ""
            }
        }
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The first value of the header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }

    private static func percentDecode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                if let high = iterator.next(), let low = iterator.next(),
                    let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
                {
                    bytes.append(value)
                }
            default:
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The answer a ``LoopbackHTTPServer`` handler gives.
public struct LoopbackHTTPResponse: Sendable {
    /// HTTP status code.
    public var status: Int
    /// Header fields; `Content-Length` is added by the server.
    public var headers: [(name: String, value: String)]
    /// The body.
    public var body: [UInt8]
    /// When true the server closes the TCP connection without answering (a dropped connection).
    public var dropsConnection: Bool

    /// Creates a response.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
        self.dropsConnection = false
    }

    /// A response with a JSON text body.
    public static func json(_ status: Int, _ text: String, headers: [(name: String, value: String)] = [])
        -> LoopbackHTTPResponse
    {
        LoopbackHTTPResponse(
            status: status,
            headers: [("Content-Type", "application/json")] + headers,
            body: Array(text.utf8)
        )
    }

    /// A response with no body.
    public static func empty(_ status: Int = 204, headers: [(name: String, value: String)] = [])
        -> LoopbackHTTPResponse
    {
        LoopbackHTTPResponse(status: status, headers: headers)
    }

    /// Closes the connection without any answer, as a crashed or unreachable upstream would.
    public static var dropConnection: LoopbackHTTPResponse {
        var response = LoopbackHTTPResponse(status: 0)
        response.dropsConnection = true
        return response
    }
}

/// A minimal HTTP/1.1 server on 127.0.0.1 with an ephemeral port, for fakes of Discord and the panel.
///
/// Each request is handed to an async handler; requests on different connections are handled concurrently.
public final class LoopbackHTTPServer: Sendable {
    /// The handler type: one request in, one response out.
    public typealias Handler = @Sendable (LoopbackHTTPRequest) async -> LoopbackHTTPResponse

    private let channel: any Channel
    /// The port the server listens on.
    public let port: Int

    /// `http://127.0.0.1:<port>`, without a trailing slash.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(channel: any Channel, port: Int) {
        self.channel = channel
        self.port = port
    }

    /// Starts listening on 127.0.0.1 with a port chosen by the system.
    /// - Parameter handler: Called for every complete request.
    /// - Returns: The running server; call ``shutdown()`` when done.
    public static func start(handler: @escaping Handler) async throws -> LoopbackHTTPServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(RequestHandler(handler: handler))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = channel.localAddress?.port else {
            try await channel.close()
            throw LoopbackServerError.noPort
        }
        return LoopbackHTTPServer(channel: channel, port: port)
    }

    /// Stops accepting connections and closes the listening socket.
    public func shutdown() async throws {
        try await channel.close()
    }
}

/// Errors raised while starting a loopback server.
public enum LoopbackServerError: Error, CustomStringConvertible {
    /// The bound socket reported no port.
    case noPort

    public var description: String {
        switch self {
        case .noPort: "the loopback server's socket has no port"
        }
    }
}

private final class RequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let handler: LoopbackHTTPServer.Handler
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(handler: @escaping LoopbackHTTPServer.Handler) {
        self.handler = handler
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(let buffer):
            body.append(contentsOf: buffer.readableBytesView)
        case .end:
            guard let head else { return }
            self.head = nil
            let request = LoopbackHTTPRequest(
                method: head.method.rawValue,
                uri: head.uri,
                headers: head.headers.map { (name: $0.name, value: $0.value) },
                body: body
            )
            let keepAlive = head.isKeepAlive
            let handler = self.handler
            let promise = context.eventLoop.makePromise(of: LoopbackHTTPResponse.self)
            promise.completeWithTask { await handler(request) }
            let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
            let boundSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
            promise.futureResult.whenSuccess { response in
                boundSelf.value.write(response, keepAlive: keepAlive, context: boundContext.value)
            }
        }
    }

    private func write(_ response: LoopbackHTTPResponse, keepAlive: Bool, context: ChannelHandlerContext) {
        if response.dropsConnection {
            context.close(promise: nil)
            return
        }
        var headers = HTTPHeaders(response.headers.map { ($0.name, $0.value) })
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
        headers.replaceOrAdd(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        let head = HTTPResponseHead(
            version: .http1_1,
            status: HTTPResponseStatus(statusCode: response.status),
            headers: headers
        )
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !response.body.isEmpty {
            var buffer = context.channel.allocator.buffer(capacity: response.body.count)
            buffer.writeBytes(response.body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
