import Foundation
import StatusBot
import Testing

@Suite struct HealthCheckTests {
    private let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("pterodisbot-health-\(UUID().uuidString)").path
    private let written = Date(timeIntervalSince1970: 1_796_158_245)

    private func withFolder(_ body: (String) throws -> Void) rethrows {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try body(folder)
    }

    @Test func heartbeatHoldsISOTimeAndUnixSeconds() throws {
        try withFolder { folder in
            let path = folder + "/embed/.heartbeat"
            try HealthFile.write(to: path, now: written)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text == "2026-12-01T20:50:45Z\n1796158245\n")
            #expect(HealthFile.parse(text) == written)
            // No temporary file is left next to it.
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/embed") == [".heartbeat"])
        }
    }

    @Test func freshHeartbeatIsHealthy() throws {
        try withFolder { folder in
            let path = folder + "/.heartbeat"
            try HealthFile.write(to: path, now: written)
            let result = HealthCheck.evaluate(path: path, maxAge: .seconds(30), now: written.addingTimeInterval(29))
            #expect(result == .healthy(lastCycle: written, age: .seconds(29)))
            #expect(result.exitCode == 0)
            #expect(result.description == "ok: last cycle 29 s ago")
        }
    }

    @Test func heartbeatExactlyAtTheLimitIsHealthy() throws {
        try withFolder { folder in
            let path = folder + "/.heartbeat"
            try HealthFile.write(to: path, now: written)
            #expect(
                HealthCheck.evaluate(path: path, maxAge: .seconds(30), now: written.addingTimeInterval(30)).isHealthy
            )
        }
    }

    @Test func staleHeartbeatFailsWithAgeAndLimit() throws {
        try withFolder { folder in
            let path = folder + "/.heartbeat"
            try HealthFile.write(to: path, now: written)
            let result = HealthCheck.evaluate(path: path, maxAge: .seconds(30), now: written.addingTimeInterval(95))
            #expect(result == .unhealthy(reason: "last cycle 95 s ago, limit 30 s"))
            #expect(result.exitCode == 1)
        }
    }

    @Test func rewritingRefreshesTheHeartbeat() throws {
        try withFolder { folder in
            let path = folder + "/.heartbeat"
            try HealthFile.write(to: path, now: written)
            let later = written.addingTimeInterval(300)
            #expect(!HealthCheck.evaluate(path: path, maxAge: .seconds(30), now: later).isHealthy)
            try HealthFile.write(to: path, now: later.addingTimeInterval(-5))
            #expect(HealthCheck.evaluate(path: path, maxAge: .seconds(30), now: later).isHealthy)
        }
    }

    @Test func heartbeatFromTheFutureCountsAsFresh() throws {
        try withFolder { folder in
            let path = folder + "/.heartbeat"
            try HealthFile.write(to: path, now: written.addingTimeInterval(3))
            #expect(
                HealthCheck.evaluate(path: path, maxAge: .seconds(30), now: written)
                    == .healthy(lastCycle: written.addingTimeInterval(3), age: .zero)
            )
        }
    }

    @Test func missingHeartbeatExplainsTheBotHasNotCompletedACycle() {
        let path = folder + "/nowhere/.heartbeat"
        let result = HealthCheck.evaluate(path: path, maxAge: .seconds(30), now: written)
        #expect(result == .unhealthy(reason: "no heartbeat file at \(path): the bot has not completed a cycle yet"))
        #expect(result.exitCode == 1)
    }

    @Test func garbageHeartbeatFails() throws {
        try withFolder { folder in
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let path = folder + "/.heartbeat"
            try Data("not a time\n".utf8).write(to: URL(fileURLWithPath: path))
            let result = HealthCheck.evaluate(path: path, maxAge: .seconds(30), now: written)
            #expect(result == .unhealthy(reason: "the heartbeat file at \(path) holds no timestamp"))

            try Data([0xFF, 0xFE, 0x00, 0x12]).write(to: URL(fileURLWithPath: path))
            #expect(!HealthCheck.evaluate(path: path, maxAge: .seconds(30), now: written).isHealthy)
        }
    }

    @Test func heartbeatIsAFolderFails() throws {
        try withFolder { folder in
            let path = folder + "/.heartbeat"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            #expect(!HealthCheck.evaluate(path: path, maxAge: .seconds(30), now: written).isHealthy)
        }
    }

    @Test func isoOnlyHeartbeatIsAccepted() {
        #expect(HealthFile.parse("2026-12-01T20:50:45Z") == written)
        #expect(HealthFile.parse("  1796158245  \n") == written)
        #expect(HealthFile.parse("") == nil)
    }

    @Test func writeIntoAnUnwritablePlaceThrowsWithThePath() throws {
        try withFolder { folder in
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            // A regular file where the folder should be: creating the heartbeat under it must fail cleanly.
            let blocker = folder + "/blocker"
            try Data("x".utf8).write(to: URL(fileURLWithPath: blocker))
            #expect(throws: FileWriteError.self) { try HealthFile.write(to: blocker + "/.heartbeat", now: written) }
        }
    }
}
