import PanelCore

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

    /// Tracks `location` for `server` only if the server is still at `expected` (`nil`: not tracked), and persists.
    /// A change computed for an old location never overwrites a newer one.
    /// - Returns: False, with nothing changed, when the server is tracked elsewhere now.
    /// - Throws: ``EmbedStoreError`` after the in-memory change, when saving failed.
    public func replace(_ server: ServerID, expected: EmbedLocation?, with location: EmbedLocation) throws -> Bool {
        guard locations[server] == expected else { return false }
        try set(location, for: server)
        return true
    }

    /// Stops tracking `server` only if it is still at `location`, and persists.
    /// - Returns: False, with nothing changed, when the server is tracked elsewhere (or not at all) now.
    /// - Throws: ``EmbedStoreError`` after the in-memory change, when saving failed.
    public func remove(_ server: ServerID, ifAt location: EmbedLocation) throws -> Bool {
        guard locations[server] == location else { return false }
        try remove(server)
        return true
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
