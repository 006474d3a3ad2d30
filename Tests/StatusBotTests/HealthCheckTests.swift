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

    private func snapshot(
        dueIn seconds: Double = 20,
        gatewayNotReadyFor: Duration? = nil,
        restUsable: Bool = true
    ) -> HealthSnapshot {
        HealthSnapshot(
            lastCycleEnd: written,
            nextCycleDue: written.addingTimeInterval(seconds),
            gatewayNotReadyFor: gatewayNotReadyFor,
            discordRESTUsable: restUsable
        )
    }

    @Test func healthFileHoldsTheCycleTimesAndTheFacts() throws {
        try withFolder { folder in
            let path = folder + "/embed/.heartbeat"
            try HealthFile.write(snapshot(gatewayNotReadyFor: .seconds(12)), to: path)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(
                text
                    == "2026-12-01T20:50:45Z\n1796158245\nnext_cycle_due=1796158265\ngateway_not_ready_seconds=12\n"
                    + "discord_rest=usable\npid=\(getpid())\n"
            )
            // Read back 5 s later: the gateway has been without a session 5 s longer.
            let read = HealthFile.parse(text, now: written.addingTimeInterval(5), defaultAllowance: .seconds(30))
            #expect(read == snapshot(gatewayNotReadyFor: .seconds(17)))
            // No temporary file is left next to it.
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/embed") == [".heartbeat"])
        }
    }

    @Test func cycleOnTimeWithEverythingUpIsHealthy() throws {
        try withFolder { folder in
            let path = folder + "/.heartbeat"
            try HealthFile.write(snapshot(dueIn: 30), to: path)
            let result = HealthCheck.evaluate(path: path, defaultAllowance: .seconds(30), now: written + 29)
            #expect(result.isHealthy)
            #expect(result.exitCode == 0)
            #expect(result.description == "ok: last cycle 29 s ago")
            #expect(HealthCheck.evaluate(path: path, defaultAllowance: .seconds(30), now: written + 30).isHealthy)
        }
    }

    @Test func overdueCycleFailsWithAgeAndAllowance() throws {
        try withFolder { folder in
            let path = folder + "/.heartbeat"
            try HealthFile.write(snapshot(dueIn: 30), to: path)
            let result = HealthCheck.evaluate(path: path, defaultAllowance: .seconds(30), now: written + 95)
            #expect(result.failures.map(\.check) == ["cycle"])
            #expect(result.description.hasPrefix("cycle: last update cycle 95 s ago, overdue after 30 s"))
            #expect(result.exitCode == 1)
        }
    }

    @Test func aDeadGatewayIsUnhealthyAfterTheGraceEvenWhileCyclesRun() throws {
        try withFolder { folder in
            let path = folder + "/.heartbeat"
            try HealthFile.write(snapshot(gatewayNotReadyFor: .seconds(80)), to: path)
            // Within the grace a resume or reconnect may still be under way.
            #expect(HealthCheck.evaluate(path: path, defaultAllowance: .seconds(30), now: written + 5).isHealthy)
            let result = HealthCheck.evaluate(path: path, defaultAllowance: .seconds(30), now: written + 15)
            #expect(result.failures.map(\.check) == ["gateway"])
            #expect(result.description.contains("no Discord gateway session for 95 s"))
        }
    }

    @Test func aStoppedRESTClientIsUnhealthy() throws {
        try withFolder { folder in
            let path = folder + "/.heartbeat"
            try HealthFile.write(snapshot(restUsable: false), to: path)
            let result = HealthCheck.evaluate(path: path, defaultAllowance: .seconds(30), now: written + 1)
            #expect(result.failures.map(\.check) == ["discord_rest"])
            #expect(result.json.contains(#""discord_rest":"Discord refused the bot token"#))
        }
    }

    @Test func aFileOfAnOlderVersionUsesTheDefaultAllowance() throws {
        try withFolder { folder in
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let path = folder + "/.heartbeat"
            try Data("2026-12-01T20:50:45Z\n1796158245\n".utf8).write(to: URL(fileURLWithPath: path))
            #expect(HealthCheck.evaluate(path: path, defaultAllowance: .seconds(30), now: written + 30).isHealthy)
            #expect(!HealthCheck.evaluate(path: path, defaultAllowance: .seconds(30), now: written + 31).isHealthy)
            #expect(
                HealthFile.parse("  1796158245  \n", now: written, defaultAllowance: .seconds(30))?.lastCycleEnd
                    == written
            )
            #expect(HealthFile.parse("", now: written, defaultAllowance: .seconds(30)) == nil)
        }
    }

    @Test func missingGarbageOrFolderHealthFilesFail() throws {
        try withFolder { folder in
            let missing = folder + "/nowhere/.heartbeat"
            #expect(
                HealthCheck.evaluate(path: missing, defaultAllowance: .seconds(30), now: written).description
                    == "cycle: no health file at \(missing): the bot has not completed a cycle yet"
            )
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let path = folder + "/.heartbeat"
            try Data("not a time\n".utf8).write(to: URL(fileURLWithPath: path))
            #expect(
                HealthCheck.evaluate(path: path, defaultAllowance: .seconds(30), now: written).description
                    == "cycle: the health file at \(path) holds no cycle time"
            )
            try Data([0xFF, 0xFE, 0x00, 0x12]).write(to: URL(fileURLWithPath: path))
            #expect(!HealthCheck.evaluate(path: path, defaultAllowance: .seconds(30), now: written).isHealthy)
            let folderPath = folder + "/dir"
            try FileManager.default.createDirectory(atPath: folderPath, withIntermediateDirectories: true)
            #expect(!HealthCheck.evaluate(path: folderPath, defaultAllowance: .seconds(30), now: written).isHealthy)
        }
    }

    @Test func writeIntoAnUnwritablePlaceThrowsWithThePath() throws {
        try withFolder { folder in
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            // A regular file where the folder should be: creating the health file under it must fail cleanly.
            let blocker = folder + "/blocker"
            try Data("x".utf8).write(to: URL(fileURLWithPath: blocker))
            #expect(throws: FileWriteError.self) { try HealthFile.write(snapshot(), to: blocker + "/.heartbeat") }
        }
    }

    // MARK: - When the next cycle is due

    @Test func aBudgetStretchedCycleSetsItsOwnPace() {
        // 300 servers under a 720/min budget: polling takes ~25 s, so cycles end ~35 s apart with a 10 s interval.
        let first = HealthRules.nextCycleDue(
            after: written,
            previousEnd: nil,
            pollDuration: .seconds(25),
            updateInterval: .seconds(10)
        )
        #expect(first == written + 70)
        let second = HealthRules.nextCycleDue(
            after: written + 35,
            previousEnd: written,
            pollDuration: .seconds(25),
            updateInterval: .seconds(10)
        )
        #expect(second == written + 35 + 70)
        // A quick panel keeps the floor of two intervals plus the polling time.
        #expect(
            HealthRules.nextCycleDue(
                after: written,
                previousEnd: written - 10,
                pollDuration: .milliseconds(500),
                updateInterval: .seconds(10)
            ) == written + 21
        )
    }

    @Test func botHealthRecordsCyclesAndAsksTheProbes() async {
        let health = BotHealth(
            probes: BotHealth.Probes(gatewayNotReadyFor: { .seconds(120) }, discordRESTUsable: { true }),
            updateInterval: .seconds(10)
        )
        let before = await health.snapshot()
        #expect(!HealthRules.liveness(before, now: written).isHealthy)
        health.cycleCompleted(at: written, pollDuration: .seconds(1))
        let after = await health.snapshot()
        #expect(after.lastCycleEnd == written)
        #expect(after.nextCycleDue == written + 22)
        #expect(HealthRules.liveness(after, now: written + 1).isHealthy)
        #expect(HealthRules.readiness(after, now: written + 1).failures.map(\.check) == ["gateway"])
    }
}
