import Logging
import TestSupport
import Testing

@testable import GameQuery

/// The real client against in-process fake servers on 127.0.0.1.
@Suite struct DefaultGameQueryClientTests {
    private static func client(
        timeout: Duration = .seconds(5),
        maxConcurrentQueries: Int = 16
    ) -> DefaultGameQueryClient {
        DefaultGameQueryClient(
            configuration: GameQueryConfiguration(timeout: timeout, maxConcurrentQueries: maxConcurrentQueries),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        )
    }

    /// The error `body` throws, if it is a ``GameQueryError``.
    private static func failure(_ body: () async throws -> PlayerCount) async -> GameQueryError? {
        do {
            let count = try await body()
            Issue.record("expected an error, got \(count)")
            return nil
        } catch {
            return error as? GameQueryError
        }
    }

    private static func isMalformed(_ error: GameQueryError?) -> Bool {
        if case .malformed = error { return true }
        return false
    }

    private static func isRefused(_ error: GameQueryError?) -> Bool {
        if case .refused = error { return true }
        return false
    }

    private static let shortTimeout = Duration.milliseconds(150)

    /// The failure when a wait guarded by `withTimeout` never ends.
    private static let hung: @Sendable () async -> any Error = { GameQueryError.malformed("test hung") }

    // MARK: - Minecraft Java

    @Test func javaReportsCountsNamesAndPlainMOTD() async throws {
        let server = try await FakeJavaServer.start()
        let count = try await Self.client().playerCount(
            of: GameQueryTarget(.java, host: "127.0.0.1", port: server.port)
        )
        #expect(
            count
                == PlayerCount(
                    online: 12,
                    max: 40,
                    names: ["Alex", "Steve"],
                    version: "1.21.4",
                    motd: "Welcome to the fake server"
                )
        )
        #expect(
            server.handshakes
                == [.init(protocolVersion: -1, address: "127.0.0.1", port: UInt16(server.port), nextState: 1)]
        )
        try await server.shutdown()
    }

    @Test func javaTimesOutOnASilentServer() async throws {
        let server = try await FakeJavaServer.start(behavior: .never)
        let error = await Self.failure {
            try await Self.client(timeout: Self.shortTimeout)
                .playerCount(of: GameQueryTarget(.java, host: "127.0.0.1", port: server.port))
        }
        #expect(error == .timedOut(after: Self.shortTimeout))
        try await server.shutdown()
    }

    @Test func javaTimesOutOnASlowServer() async throws {
        let gate = Gate(isOpen: false)
        let server = try await FakeJavaServer.start(behavior: .gated(gate))
        defer { gate.open() }
        let error = await Self.failure {
            try await Self.client(timeout: Self.shortTimeout)
                .playerCount(of: GameQueryTarget(.java, host: "127.0.0.1", port: server.port))
        }
        #expect(error == .timedOut(after: Self.shortTimeout))
        await server.log.waitForRequests(1)
        try await server.shutdown()
    }

    @Test func javaRejectsGarbage() async throws {
        let overlong = try await FakeJavaServer.start(behavior: .garbage([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]))
        let cut = try await FakeJavaServer.start(behavior: .garbage([0x05, 0x00, 0x03]))
        let notJSON = try await FakeJavaServer.start(statusJSON: "<html>")
        let client = Self.client()
        let overlongError = await Self.failure {
            try await client.playerCount(of: GameQueryTarget(.java, host: "127.0.0.1", port: overlong.port))
        }
        #expect(overlongError == .malformed("VarInt longer than 5 bytes"))
        let cutError = await Self.failure {
            try await client.playerCount(of: GameQueryTarget(.java, host: "127.0.0.1", port: cut.port))
        }
        #expect(cutError == .truncated("connection closed after 3 bytes"))
        let jsonError = await Self.failure {
            try await client.playerCount(of: GameQueryTarget(.java, host: "127.0.0.1", port: notJSON.port))
        }
        #expect(Self.isMalformed(jsonError))
        try await overlong.shutdown()
        try await cut.shutdown()
        try await notJSON.shutdown()
    }

    @Test func javaStopsReadingAnOversizedAnswer() async throws {
        let server = try await FakeJavaServer.start(behavior: .oversized(bytes: 10 * 1024 * 1024))
        let error = await Self.failure {
            try await Self.client().playerCount(of: GameQueryTarget(.java, host: "127.0.0.1", port: server.port))
        }
        #expect(error == .tooLarge(limit: 64 * 1024))
        try await server.shutdown()
    }

    @Test func javaReportsARefusedConnection() async throws {
        let server = try await FakeJavaServer.start()
        let port = server.port
        try await server.shutdown()
        let error = await Self.failure {
            try await Self.client().playerCount(of: GameQueryTarget(.java, host: "127.0.0.1", port: port))
        }
        #expect(Self.isRefused(error))
    }

    @Test func rejectsInvalidTargets() async {
        let client = Self.client()
        let noHost = await Self.failure { try await client.playerCount(of: GameQueryTarget(.java, host: "", port: 1)) }
        #expect(noHost == .invalidTarget("empty host"))
        let badPort = await Self.failure {
            try await client.playerCount(of: GameQueryTarget(.a2s, host: "127.0.0.1", port: 70_000))
        }
        #expect(badPort == .invalidTarget("port 70000"))
    }

    // MARK: - Minecraft Bedrock

    @Test func bedrockReportsCountsAndMOTD() async throws {
        let server = try await FakeBedrockServer.start()
        let count = try await Self.client()
            .playerCount(of: GameQueryTarget(.bedrock, host: "127.0.0.1", port: server.port))
        #expect(count == PlayerCount(online: 3, max: 10, version: "1.21.50", motd: "Fake Bedrock"))
        #expect(server.received.first?.count == 33)
        try await server.shutdown()
    }

    @Test func bedrockResendsThenTimesOut() async throws {
        let server = try await FakeBedrockServer.start(behavior: .never)
        // Long enough that the resend at half-time is not outrun by name resolution on a loaded machine.
        let timeout = Duration.seconds(1)
        let error = await Self.failure {
            try await Self.client(timeout: timeout)
                .playerCount(of: GameQueryTarget(.bedrock, host: "127.0.0.1", port: server.port))
        }
        #expect(error == .timedOut(after: timeout))
        // Two tries within the timeout (`game-queries.md` §2); the second was sent before the deadline.
        try await withTimeout(.seconds(5), orThrow: Self.hung) {
            await server.log.waitForRequests(2)
        }
        #expect(Set(server.received).count == 1)
        try await server.shutdown()
    }

    @Test func bedrockRejectsGarbageAndOversizedAnswers() async throws {
        let garbage = try await FakeBedrockServer.start(behavior: .garbage(Array("hello".utf8)))
        let oversized = try await FakeBedrockServer.start(behavior: .oversized(bytes: 60_000))
        let client = Self.client()
        let garbageError = await Self.failure {
            try await client.playerCount(of: GameQueryTarget(.bedrock, host: "127.0.0.1", port: garbage.port))
        }
        #expect(garbageError == .malformed("packet id 104, expected 0x1C"))
        let oversizedError = await Self.failure {
            try await client.playerCount(of: GameQueryTarget(.bedrock, host: "127.0.0.1", port: oversized.port))
        }
        #expect(oversizedError == .tooLarge(limit: 4 * 1024))
        try await garbage.shutdown()
        try await oversized.shutdown()
    }

    @Test func udpReportsAClosedPort() async throws {
        let server = try await FakeBedrockServer.start()
        let port = server.port
        try await server.shutdown()
        let error = await Self.failure {
            try await Self.client().playerCount(of: GameQueryTarget(.bedrock, host: "127.0.0.1", port: port))
        }
        #expect(Self.isRefused(error))
    }

    // MARK: - A2S

    @Test func a2sReportsHumansWithoutAChallenge() async throws {
        let server = try await FakeA2SServer.start()
        let count = try await Self.client().playerCount(of: GameQueryTarget(.a2s, host: "127.0.0.1", port: server.port))
        #expect(
            count
                == PlayerCount(
                    online: 5,
                    max: 24,
                    bots: 2,
                    version: "1.0.0.1",
                    motd: "Fake Source Server",
                    map: "de_dust2"
                )
        )
        #expect(server.received == [A2SInfoCodec.request()])
        try await server.shutdown()
    }

    @Test func a2sAnswersTheChallenge() async throws {
        let server = try await FakeA2SServer.start(challenge: 0xCAFE_F00D)
        let info = try await Self.client().a2sInfo(host: "127.0.0.1", port: server.port)
        #expect(info.humans == 5)
        #expect(info.gamePort == 27_015)
        #expect(server.received == [A2SInfoCodec.request(), A2SInfoCodec.request() + [0x0D, 0xF0, 0xFE, 0xCA]])
        try await server.shutdown()
    }

    @Test func a2sTimesOutRejectsGarbageAndOversizedAnswers() async throws {
        let silent = try await FakeA2SServer.start(behavior: .never)
        let garbage = try await FakeA2SServer.start(behavior: .garbage([0xFF, 0xFF, 0xFF, 0xFF, 0x49, 0x11, 0x41]))
        let oversized = try await FakeA2SServer.start(behavior: .oversized(bytes: 65_000))
        let silentError = await Self.failure {
            try await Self.client(timeout: Self.shortTimeout)
                .playerCount(of: GameQueryTarget(.a2s, host: "127.0.0.1", port: silent.port))
        }
        // A generous timeout for answers that do come: only the silent server may run into it.
        let client = Self.client()
        #expect(silentError == .timedOut(after: Self.shortTimeout))
        let garbageError = await Self.failure {
            try await client.playerCount(of: GameQueryTarget(.a2s, host: "127.0.0.1", port: garbage.port))
        }
        #expect(garbageError == .truncated("unterminated name"))
        let oversizedError = await Self.failure {
            try await client.playerCount(of: GameQueryTarget(.a2s, host: "127.0.0.1", port: oversized.port))
        }
        #expect(oversizedError == .tooLarge(limit: 4 * 1024))
        try await silent.shutdown()
        try await garbage.shutdown()
        try await oversized.shutdown()
    }

    // MARK: - Concurrency

    @Test func runsAtMostTheConfiguredNumberOfQueries() async throws {
        let gate = Gate(isOpen: false)
        let server = try await FakeJavaServer.start(behavior: .gated(gate))
        defer { gate.open() }
        let client = Self.client(timeout: .seconds(30), maxConcurrentQueries: 2)
        let target = GameQueryTarget(.java, host: "127.0.0.1", port: server.port)
        try await withTimeout(.seconds(10), orThrow: Self.hung) {
            try await withThrowingTaskGroup(of: PlayerCount.self) { group in
                for _ in 0..<5 {
                    group.addTask { try await client.playerCount(of: target) }
                }
                // Two queries reach the server and three wait for a turn: none of those can connect meanwhile.
                await server.log.waitForRequests(2)
                await client.waitUntilQueued(3)
                #expect(server.log.requests == 2)
                #expect(client.queuedQueries == 3)
                gate.open()
                var answered = 0
                for try await count in group {
                    #expect(count.online == 12)
                    answered += 1
                }
                #expect(answered == 5)
            }
        }
        #expect(server.log.requests == 5)
        try await server.shutdown()
    }
}
