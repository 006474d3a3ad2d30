import Pterodactyl

/// The tracked status messages, one per server, persisted after every create or delete.
public actor EmbedStore {
    private let file: EmbedStoreFile?
    private var locations: [ServerID: EmbedLocation]

    /// A store backed by a file; call ``EmbedStoreFile/load(now:)`` first and pass what it found.
    /// - Parameters:
    ///   - file: Where to persist; `nil` keeps the store in memory only (demo).
    ///   - initial: The locations loaded at start.
    public init(file: EmbedStoreFile?, initial: [ServerID: EmbedLocation] = [:]) {
        self.file = file
        self.locations = initial
    }

    /// All tracked locations.
    public var all: [ServerID: EmbedLocation] { locations }

    /// The location tracked for `server`.
    public func location(for server: ServerID) -> EmbedLocation? { locations[server] }

    /// Tracks (or replaces) the message of `server` and persists.
    /// - Throws: ``EmbedStoreError``; the in-memory store keeps the change so the bot goes on.
    public func set(_ location: EmbedLocation, for server: ServerID) throws {
        locations[server] = location
        try file?.save(locations)
    }

    /// Stops tracking `server` and persists. Does nothing when it was not tracked.
    /// - Throws: ``EmbedStoreError``.
    public func remove(_ server: ServerID) throws {
        guard locations.removeValue(forKey: server) != nil else { return }
        try file?.save(locations)
    }

    /// Stops tracking every server and persists.
    /// - Throws: ``EmbedStoreError``.
    public func removeAll() throws {
        locations.removeAll()
        try file?.save(locations)
    }

    /// Writes the current state again (used at shutdown after a failed save).
    /// - Throws: ``EmbedStoreError``.
    public func flush() throws {
        try file?.save(locations)
    }
}
