import Foundation
import Synchronization
import TestSupport
import Testing

@testable import StatusBot

@Suite struct PanelReloadTests {
    func configuration(_ extra: String = "", environment: [String: String] = [:]) throws -> BotConfiguration {
        try BotConfiguration(ini: BotConfigurationTests.validINI + extra, environment: environment)
    }

    static let home = """

        [Panel:home]
        Type = peon
        URL = http://127.0.0.1:5000
        APIKey = \(PanelSectionsTests.peonKey)
        """

    static let lab = """

        [Panel:lab]
        Type = pelican
        URL = https://lab.mygame.host
        ClientAPIKey = \(PanelSectionsTests.secondClientKey)
        """

    @Test func anAddedPanelIsAddedAndTheOthersStayAsTheyAre() throws {
        let change = PanelReload(from: try configuration(Self.home), to: try configuration(Self.home + Self.lab))
        #expect(change.added == ["lab"])
        #expect(change.removed.isEmpty)
        #expect(change.changed.isEmpty)
        #expect(change.unchanged == [nil, "home"])
        #expect(change.needsRestart.isEmpty)
        #expect(change.summary == "panels added: lab")
    }

    @Test func aRemovedPanelAndAChangedKeyAreToldApart() throws {
        let change = PanelReload(
            from: try configuration(Self.home + Self.lab),
            to: try configuration(Self.lab, environment: ["PTERODACTYL_CLIENT_RATE_LIMIT": "600"])
        )
        #expect(change.removed == ["home"])
        #expect(change.changed == ["default"])
        #expect(change.unchanged == ["lab"])
        #expect(change.summary == "panels removed: home; changed: default")
    }

    @Test func settingsOutsideThePanelsAreNamedAsNeedingARestart() throws {
        let change = PanelReload(
            from: try configuration(),
            to: try configuration(environment: ["BOT_UPDATE_INTERVAL": "20", "ALERTS_SERVER_CPU_PERCENT": "70"])
        )
        #expect(change.needsRestart == ["[Bot] UpdateInterval"])
        #expect(change.appliedLive == ["[Alerts] ServerCPUPercent"])
        #expect(change.unchanged == [nil])
        #expect(!change.isEmpty)
    }
}

@Suite struct ConfigurationReloaderTests {
    final class Applied: Sendable {
        let changes = Mutex<[PanelReload]>([])
    }

    @Test func aValidFileIsAppliedAndBecomesTheRunningConfiguration() async throws {
        let first = try BotConfiguration(ini: BotConfigurationTests.validINI, environment: [:])
        let second = try BotConfiguration(ini: BotConfigurationTests.validINI + PanelReloadTests.home, environment: [:])
        let applied = Applied()
        let capture = LogCapture()
        let reloader = ConfigurationReloader(
            configuration: first,
            load: { second },
            apply: { _, change in applied.changes.withLock { $0.append(change) } },
            logger: capture.logger()
        )
        #expect(await reloader.reload() == .applied(PanelReload(from: first, to: second)))
        // The second reload compares with what the first applied: nothing changed.
        guard case .applied(let again) = await reloader.reload() else {
            Issue.record("the second reload was refused")
            return
        }
        #expect(again.isEmpty)
        #expect(applied.changes.withLock { $0.map(\.added) } == [["home"], []])
        #expect(capture.captured.contains { $0.contains("configuration reloaded: panels added: home") })
    }

    @Test func anInvalidFileKeepsTheRunningConfigurationAndLogsEveryError() async throws {
        let first = try BotConfiguration(ini: BotConfigurationTests.validINI, environment: [:])
        let applied = Applied()
        let capture = LogCapture()
        let broken = BotConfigurationTests.validINI + "\n[Panel:home]\nType = docker\n[Bot]\nUpdateInterval = soon\n"
        let reloader = ConfigurationReloader(
            configuration: first,
            load: { () throws(ConfigurationError) -> BotConfiguration in
                try BotConfiguration(ini: broken, environment: [:])
            },
            apply: { _, change in applied.changes.withLock { $0.append(change) } },
            logger: capture.logger()
        )
        guard case .refused(let issues) = await reloader.reload() else {
            Issue.record("a broken file was applied")
            return
        }
        #expect(applied.changes.withLock { $0.isEmpty })
        let errors = issues.filter { $0.severity == .error }
        #expect(errors.count >= 3)
        for error in errors {
            #expect(capture.captured.contains { $0.contains(error.description) }, "not logged: \(error)")
        }
        #expect(capture.captured.contains { $0.contains("keeps running with the previous one") })
    }
}

@Suite struct ReloadRequestTests {
    private let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("pterodisbot-reload-\(UUID().uuidString)").path

    @Test func signalsTheProcessTheHealthFileNames() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/.heartbeat"
        try HealthFile.write(
            HealthSnapshot(lastCycleEnd: Date(), nextCycleDue: nil, gatewayNotReadyFor: nil, discordRESTUsable: true),
            to: path
        )
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(HealthFile.processID(in: text) == getpid())
        let signalled = Mutex<[Int32]>([])
        let result = ReloadRequest.send(healthFilePath: path) { pid in
            signalled.withLock { $0.append(pid) }
            return 0
        }
        #expect(result.exitCode == 0)
        #expect(signalled.withLock { $0 } == [getpid()])
        let refused = ReloadRequest.send(healthFilePath: path) { _ in -1 }
        #expect(refused.exitCode == 1)
        #expect(refused.description.contains("could not signal process \(getpid())"))
    }

    @Test func aMissingFileOrOneWithoutAPidSaysWhatToDo() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let missing = ReloadRequest.send(healthFilePath: folder + "/none") { _ in 0 }
        #expect(missing.exitCode == 1)
        #expect(missing.description.contains("no health file"))
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let old = folder + "/old"
        try "2026-12-01T20:50:45Z\n1796158245\n".write(toFile: old, atomically: true, encoding: .utf8)
        let result = ReloadRequest.send(healthFilePath: old) { _ in 0 }
        #expect(result.exitCode == 1)
        #expect(result.description.contains("kill -HUP"))
    }
}
