import GameQuery
import PanelCore

/// An admin's choice for one server in `[Players]`: `none`, or a protocol with an optional `@host:port`.
public enum PlayerQueryOverride: Sendable, Hashable {
    /// Never ask this server.
    case none
    /// Ask with this protocol; a missing host or port comes from the server's primary allocation.
    case query(GameQueryProtocol, host: String?, port: Int?)
}

/// Decides where and how to ask a server for its player count, from what the panel knows (the container image
/// and the startup variables) unless an admin chose otherwise. Pure.
///
/// The panel knows the game only indirectly (game-queries.md §4), so only well-known images are recognised:
/// Minecraft Bedrock images, Java images (the Minecraft eggs run on the `java` yolks), and SteamCMD or Source
/// images, which answer A2S on `QUERY_PORT` when the egg has one, else on the game port. Anything else is not
/// asked: no answer is "unknown", never 0.
public enum PlayerQueryPlanner {
    /// The query target of `server`, or nil when it should not be asked.
    /// - Parameters:
    ///   - server: The server as listed.
    ///   - override: The admin's choice, if any.
    /// - Returns: The target.
    public static func target(for server: GameServer, override: PlayerQueryOverride? = nil) -> GameQueryTarget? {
        let queryProtocol: GameQueryProtocol
        var host: String?
        var port: Int?
        switch override {
        case .none?:
            return nil
        case .query(let chosen, let chosenHost, let chosenPort)?:
            queryProtocol = chosen
            host = chosenHost
            port = chosenPort
        case nil:
            guard let detected = detectedProtocol(of: server.gameHints) else { return nil }
            queryProtocol = detected
            if queryProtocol == .a2s { port = queryPort(of: server.gameHints) }
        }
        guard let primary = server.primaryAllocation else {
            guard let host, let port else { return nil }
            return GameQueryTarget(queryProtocol, host: host, port: port)
        }
        let target = GameQueryTarget(
            queryProtocol,
            host: host ?? primary.alias ?? primary.ip,
            port: port ?? primary.port
        )
        // An allocation bound to every interface names no address to ask.
        guard !["0.0.0.0", "::", ""].contains(target.host) else { return nil }
        return target
    }

    /// The protocol a well-known image answers.
    static func detectedProtocol(of hints: GameHints) -> GameQueryProtocol? {
        guard let image = hints.image?.lowercased() else { return nil }
        let name = image.split(separator: "/").last.map(String.init) ?? image
        if name.contains("bedrock") { return .bedrock }
        if name.contains("steamcmd") || name.contains("games:source") || hints.startupVariables["SRCDS_APPID"] != nil {
            return .a2s
        }
        if name.hasPrefix("yolks:java") || name.hasPrefix("java:") || name.hasPrefix("core:java") { return .java }
        return nil
    }

    /// The egg's `QUERY_PORT`, when it holds a port number.
    private static func queryPort(of hints: GameHints) -> Int? {
        guard let text = hints.startupVariables["QUERY_PORT"], let port = Int(text), (1...65_535).contains(port) else {
            return nil
        }
        return port
    }
}
