import DiscordModels
import Foundation
import Logging
import TestSupport
import Testing

@testable import StatusBot

@Suite struct BotLogHandlerTests {
    @Test func linesCarryISOTimestampLevelAndSortedMetadata() throws {
        let capture = LogCapture()
        let logger = capture.logger(label: "bot", level: .info)
        logger.debug("hidden")
        logger.info("cycle done", metadata: ["ptero.server": "abcd1234", "cycle.ms": "12"])
        let lines = capture.captured
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        // 2026-12-01T21:04:05.123Z info bot: cycle done cycle.ms=12 ptero.server=abcd1234
        #expect(
            line.range(
                of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info bot: cycle done"#,
                options: .regularExpression
            ) != nil
        )
        #expect(line.hasSuffix("cycle.ms=12 ptero.server=abcd1234"))
    }

    @Test func registeredSecretsAreScrubbedEverywhere() {
        let capture = LogCapture()
        let logger = capture.logger(secrets: [SampleSecrets.token, SampleSecrets.clientKey])
        logger.error("request failed for \(SampleSecrets.token)", metadata: ["key": "\(SampleSecrets.clientKey)"])
        logger.info("typed secret \(Secret(SampleSecrets.applicationKey))")
        let text = capture.captured.joined(separator: "\n")
        #expect(!text.contains(SampleSecrets.token))
        #expect(!text.contains(SampleSecrets.clientKey))
        #expect(!text.contains(SampleSecrets.applicationKey))
        #expect(text.contains("request failed for ****"))
    }
}
