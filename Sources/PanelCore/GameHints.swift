/// What a panel says about the game a server runs, for telling which query protocol it answers. Panels know
/// the game only indirectly: the container image and the startup variables of its egg.
public struct GameHints: Sendable, Hashable {
    /// The container image, e.g. `ghcr.io/pterodactyl/yolks:java_21`; nil when the panel does not say.
    public var image: String?
    /// The startup variables the key may read, by environment name (`QUERY_PORT` → `27015`).
    public var startupVariables: [String: String]

    /// Creates hints.
    /// - Parameters:
    ///   - image: The container image.
    ///   - startupVariables: The startup variables by environment name.
    public init(image: String? = nil, startupVariables: [String: String] = [:]) {
        self.image = image
        self.startupVariables = startupVariables
    }
}
