import Logging
import NIOCore
import NIOPosix
import Observability
import Testing

@Suite struct ProbeServerTests {
    /// Runs a probe server on a free loopback port around `body`.
    private func withServer(
        maxConnections: Int = 16,
        connectionDeadline: Duration = .seconds(10),
        slowRoute: (@Sendable () async -> Void)? = nil,
        _ body: (Int) async throws -> Void
    ) async throws {
        let server = ProbeServer(
            configuration: ProbeServerConfiguration(
                host: "127.0.0.1",
                port: 0,
                maxConnections: maxConnections,
                connectionDeadline: connectionDeadline
            ),
            routes: { path in
                switch path {
                case "/metrics":
                    return ProbeResponse(status: 200, contentType: "text/plain", body: Array("up 1\n".utf8))
                case "/readyz":
                    return ProbeResponse(status: 503, contentType: "application/json", body: Array("{}".utf8))
                case "/slow":
                    await slowRoute?()
                    return ProbeResponse(status: 200, contentType: "text/plain", body: Array("slow\n".utf8))
                default:
                    return nil
                }
            },
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let port = try #require(await server.port())
            try await body(port)
            group.cancelAll()
        }
    }

    @Test func answersKnownPathsAndRefusesTheRest() async throws {
        try await withServer { port in
            let metrics = try await RawClient.exchange(port: port, "GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(metrics.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(metrics.hasSuffix("\r\n\r\nup 1\n"))
            #expect(metrics.contains("Connection: close"))
            let ready = try await RawClient.exchange(port: port, "GET /readyz HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(ready.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"))
            let missing = try await RawClient.exchange(port: port, "GET /admin HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(missing.hasPrefix("HTTP/1.1 404 Not Found\r\n"))
            let post = try await RawClient.exchange(
                port: port,
                "POST /metrics HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"
            )
            #expect(post.hasPrefix("HTTP/1.1 405 Method Not Allowed\r\n"))
            #expect(post.contains("Allow: GET, HEAD"))
            let head = try await RawClient.exchange(port: port, "HEAD /metrics HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(head.hasSuffix("\r\n\r\n"))
        }
    }

    @Test func malformedAndHugeRequestsGetA400AndTheServerGoesOn() async throws {
        try await withServer { port in
            let garbage = try await RawClient.exchange(port: port, "\u{1}\u{2} nonsense\r\n\r\n")
            #expect(garbage.hasPrefix("HTTP/1.1 400 Bad Request"))
            let huge = "GET /metrics HTTP/1.1\r\nX-Big: " + String(repeating: "a", count: 1 << 20) + "\r\n\r\n"
            let answer = try await RawClient.exchange(port: port, huge)
            #expect(answer.isEmpty || answer.hasPrefix("HTTP/1.1 400 Bad Request"))
            let after = try await RawClient.exchange(port: port, "GET /metrics HTTP/1.1\r\n\r\n")
            #expect(after.hasPrefix("HTTP/1.1 200 OK"))
        }
    }

    @Test func aSlowClientIsCutOffAtTheConnectionDeadline() async throws {
        try await withServer(connectionDeadline: .milliseconds(200)) { port in
            // Half a request, then silence: the server closes the connection (the read sees the end).
            let answer = try await RawClient.exchange(port: port, "GET /metr")
            #expect(answer.isEmpty)
            let after = try await RawClient.exchange(port: port, "GET /metrics HTTP/1.1\r\n\r\n")
            #expect(after.hasPrefix("HTTP/1.1 200 OK"))
        }
    }

    @Test func connectionsBeyondTheLimitAreClosedAtOnce() async throws {
        let (arrived, arrival) = AsyncStream.makeStream(of: Void.self)
        let (release, releaser) = AsyncStream.makeStream(of: Void.self)
        let slowRoute: @Sendable () async -> Void = {
            arrival.yield()
            for await _ in release { return }
        }
        try await withServer(maxConnections: 1, connectionDeadline: .seconds(30), slowRoute: slowRoute) { port in
            try await RawClient.withConnection(port: port) { busy in
                await busy.send("GET /slow HTTP/1.1\r\n\r\n")
                for await _ in arrived { break }
                // The only slot is taken: the next connection is closed without an answer.
                let refused = try await RawClient.exchange(port: port, "GET /metrics HTTP/1.1\r\n\r\n")
                #expect(refused.isEmpty)
                releaser.yield()
                #expect(await busy.readToEnd().hasSuffix("slow\n"))
            }
            let after = try await RawClient.exchange(port: port, "GET /metrics HTTP/1.1\r\n\r\n")
            #expect(after.hasPrefix("HTTP/1.1 200 OK"))
        }
    }

    @Test func anAddressInUseIsAClearError() async throws {
        try await withServer { port in
            let second = ProbeServer(
                configuration: ProbeServerConfiguration(host: "127.0.0.1", port: port),
                routes: { _ in nil },
                logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
            )
            await #expect(throws: ProbeServerError.self) { try await second.run() }
        }
    }
}

/// A raw TCP client on loopback: sends bytes as given and reads until the server closes.
enum RawClient {
    /// One open connection.
    struct Connection {
        let inbound: NIOAsyncChannelInboundStream<ByteBuffer>
        let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

        /// Sends text; a server that already closed (after a 400) makes this a no-op.
        func send(_ text: String) async {
            try? await self.outbound.write(ByteBuffer(string: text))
        }

        /// Everything the server sends until it closes (a reset counts as the end).
        func readToEnd() async -> String {
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

    static func withConnection<T: Sendable>(port: Int, _ body: (Connection) async throws -> T) async throws -> T {
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

    static func exchange(port: Int, _ request: String) async throws -> String {
        try await withConnection(port: port) { connection in
            await connection.send(request)
            return await connection.readToEnd()
        }
    }
}
