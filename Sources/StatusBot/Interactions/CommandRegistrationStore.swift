#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Remembers the fingerprint (``BotCommand/fingerprint(of:applicationID:guildID:)``) of the command set last
/// registered, so a restart does not overwrite unchanged commands. Delete the file to force a re-registration.
public protocol CommandRegistrationStore: Sendable {
    /// The fingerprint last registered, or `nil` when unknown.
    func lastFingerprint() async -> String?

    /// Records a successful registration.
    /// - Parameter fingerprint: The registered fingerprint.
    /// - Throws: When it cannot be stored (the next start then registers again, which is harmless).
    func save(fingerprint: String) async throws
}

/// Keeps the fingerprint in a one-line file, e.g. next to the embed store (`embeds.json.commands`).
public struct FileCommandRegistrationStore: CommandRegistrationStore {
    /// The file.
    public let path: String

    /// Creates a store.
    /// - Parameter path: The file; its folder is created on the first save.
    public init(path: String) {
        self.path = path
    }

    /// Reads the file; a missing or unreadable file means "unknown".
    public func lastFingerprint() async -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let text = String(decoding: data, as: UTF8.self).filter { !$0.isWhitespace }
        return text.isEmpty ? nil : text
    }

    /// Writes the file atomically.
    /// - Throws: ``FileWriteError``.
    public func save(fingerprint: String) async throws {
        try AtomicFileWriter.write(text: fingerprint + "\n", to: path)
    }
}
