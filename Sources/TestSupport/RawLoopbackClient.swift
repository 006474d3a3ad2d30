import NIOCore
import NIOPosix

/// A raw TCP client on loopback: sends bytes as given and reads until the server closes.
public enum RawLoopbackClient {
    /// One open connection.
    public struct Connection: Sendable {
        let inbound: NIOAsyncChannelInboundStream<ByteBuffer>
        let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

        /// Sends text; a server that already closed (after a 400) makes this a no-op.
        public func send(_ text: String) async {
            try? await self.outbound.write(ByteBuffer(string: text))
        }

        /// Everything the server sends until it closes (a reset counts as the end).
        public func readToEnd() async -> String {
            var received = ByteBuffer()
            do {
                for try await var chunk in self.inbound {
                    received.writeBuffer(&chunk)
                }
            } catch {
                // A reset after a 400 (the server closed with unread bytes pending) ends the exchange too.
            }
            return String(buffer: received)
        }
    }

    /// Opens a connection to `127.0.0.1:port` for `body`, closed when it returns.
    /// - Parameters:
    ///   - port: A loopback port.
    ///   - body: What to do with the connection.
    /// - Returns: What `body` returns.
    /// - Throws: When the connection cannot be opened, or what `body` throws.
    public static func withConnection<T: Sendable>(port: Int, _ body: (Connection) async throws -> T) async throws -> T
    {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await body(Connection(inbound: inbound, outbound: outbound))
        }
    }

    /// Sends `request` on a new connection and returns everything the server answered until it closed.
    /// - Parameters:
    ///   - port: A loopback port.
    ///   - request: The raw bytes to send, e.g. `GET /metrics HTTP/1.1\r\n\r\n`.
    /// - Returns: The answer as text.
    /// - Throws: When the connection cannot be opened.
    public static func exchange(port: Int, _ request: String) async throws -> String {
        try await withConnection(port: port) { connection in
            await connection.send(request)
            return await connection.readToEnd()
        }
    }
}

/// A TCP port on loopback that was free a moment ago, for a child process that must be told its port up front.
/// - Returns: The port.
/// - Throws: When no socket can be bound.
public func freeLoopbackPort() async throws -> Int {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .bind(host: "127.0.0.1", port: 0).get()
    let port = channel.localAddress?.port ?? 0
    try await channel.close()
    return port
}
