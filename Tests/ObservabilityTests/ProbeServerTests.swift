import Logging
import Observability
import TestSupport
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
            let metrics = try await RawLoopbackClient.exchange(
                port: port,
                "GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\n\r\n"
            )
            #expect(metrics.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(metrics.hasSuffix("\r\n\r\nup 1\n"))
            #expect(metrics.contains("Connection: close"))
            let ready = try await RawLoopbackClient.exchange(port: port, "GET /readyz HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(ready.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"))
            let missing = try await RawLoopbackClient.exchange(port: port, "GET /admin HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(missing.hasPrefix("HTTP/1.1 404 Not Found\r\n"))
            let post = try await RawLoopbackClient.exchange(
                port: port,
                "POST /metrics HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"
            )
            #expect(post.hasPrefix("HTTP/1.1 405 Method Not Allowed\r\n"))
            #expect(post.contains("Allow: GET, HEAD"))
            let head = try await RawLoopbackClient.exchange(port: port, "HEAD /metrics HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(head.hasSuffix("\r\n\r\n"))
        }
    }

    @Test func malformedAndHugeRequestsGetA400AndTheServerGoesOn() async throws {
        try await withServer { port in
            let garbage = try await RawLoopbackClient.exchange(port: port, "\u{1}\u{2} nonsense\r\n\r\n")
            #expect(garbage.hasPrefix("HTTP/1.1 400 Bad Request"))
            let huge = "GET /metrics HTTP/1.1\r\nX-Big: " + String(repeating: "a", count: 1 << 20) + "\r\n\r\n"
            let answer = try await RawLoopbackClient.exchange(port: port, huge)
            #expect(answer.isEmpty || answer.hasPrefix("HTTP/1.1 400 Bad Request"))
            let after = try await RawLoopbackClient.exchange(port: port, "GET /metrics HTTP/1.1\r\n\r\n")
            #expect(after.hasPrefix("HTTP/1.1 200 OK"))
        }
    }

    @Test func aSlowClientIsCutOffAtTheConnectionDeadline() async throws {
        // Long enough that the well-formed request afterwards is answered inside it on a loaded machine.
        try await withServer(connectionDeadline: .seconds(1)) { port in
            // Half a request, then silence: the server closes the connection (the read sees the end).
            let answer = try await RawLoopbackClient.exchange(port: port, "GET /metr")
            #expect(answer.isEmpty)
            let after = try await RawLoopbackClient.exchange(port: port, "GET /metrics HTTP/1.1\r\n\r\n")
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
            try await RawLoopbackClient.withConnection(port: port) { busy in
                await busy.send("GET /slow HTTP/1.1\r\n\r\n")
                for await _ in arrived { break }
                // The only slot is taken: the next connection is closed without an answer.
                let refused = try await RawLoopbackClient.exchange(port: port, "GET /metrics HTTP/1.1\r\n\r\n")
                #expect(refused.isEmpty)
                releaser.yield()
                #expect(await busy.readToEnd().hasSuffix("slow\n"))
            }
            let after = try await RawLoopbackClient.exchange(port: port, "GET /metrics HTTP/1.1\r\n\r\n")
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
