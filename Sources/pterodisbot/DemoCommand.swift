import ArgumentParser
import Logging
import StatusBot

/// `pterodisbot demo`: the bot on a simulated panel, writing an HTML preview. No configuration, no network.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract:
            "Run the bot against a built-in simulated Pterodactyl panel and PEON orchestrator and write what it would post to an HTML page."
    )

    @Option(help: "Folder for the page and graphs.")
    var output: String = DemoScenario.folder

    @Option(help: "Update cycles to run (graphs appear from the sixth).")
    var cycles: Int = DemoScenario.cycles

    @Option(help: "Milliseconds to wait between cycles, so an open page visibly updates.")
    var pauseMilliseconds: Int = 250

    func validate() throws {
        guard (1...1000).contains(cycles) else { throw ValidationError("--cycles must be from 1 to 1000") }
        guard (0...60_000).contains(pauseMilliseconds) else {
            throw ValidationError("--pause-milliseconds must be from 0 to 60000")
        }
    }

    func run() async throws {
        CommandSupport.bootstrapLogging(level: .info, secrets: [])
        let logger = Logger(label: "pterodisbot.demo")
        let path = try await DemoRunner.run(
            folder: output,
            cycles: cycles,
            pause: .milliseconds(pauseMilliseconds),
            logger: logger
        )
        print("Demo finished. Open \(path) in a browser to see what the bot would post.")
    }
}
