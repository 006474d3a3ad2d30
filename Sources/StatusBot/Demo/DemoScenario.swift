import DiscordModels

/// The fixed settings of `pterodisbot demo`, in one place so the command, its test and the README agree.
public enum DemoScenario {
    /// The channel the demo's status messages are "posted" in (the preview shows it as ``channelName``).
    public static let channel: ChannelID = "1000000000000000001"
    /// The channel's display name on the preview page.
    public static let channelName = "server-status"
    /// Where the page and graphs go, relative to the working directory.
    public static let folder = "demo"
    /// Simulated time per cycle; uptime and traffic grow by this much each cycle.
    public static let tickInterval: Duration = .seconds(10)
    /// Cycles to run: enough for every scripted transition of ``SimulatedServer/demo`` (start at tick 2, stop at
    /// tick 8, offline at 10) and for 6-point graphs on the servers that keep running.
    public static let cycles = 12
    /// The seed of the usage walk, so every demo run draws the same page.
    public static let seed: UInt64 = 2024

    /// A simulated panel for the demo, advanced by hand once per cycle (`panel.advance()` before each tick).
    /// - Returns: The panel with the demo's six servers.
    public static func makePanel() -> SimulatedPanel {
        SimulatedPanel(servers: SimulatedServer.demo, seed: seed, tickInterval: tickInterval)
    }

    /// The preview sink for the demo, writing to `folder` (default ``folder``).
    /// - Parameter folder: Where to write `index.html` and the graphs.
    /// - Returns: The sink.
    public static func makeSink(folder: String = DemoScenario.folder) -> HTMLPreviewSink {
        HTMLPreviewSink(
            folder: folder,
            title: "Pterodisbot demo",
            autoRefreshSeconds: 2,
            channelNames: [channel: channelName]
        )
    }
}
