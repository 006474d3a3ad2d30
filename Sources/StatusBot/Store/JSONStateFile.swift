#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A JSON file holding one value the bot must not lose (open alerts and their undelivered notices), with the
/// embed store's rules: written atomically, only a missing file is empty, an unreadable file stops the bot
/// before anything is overwritten, and a corrupt file is moved aside and reported.
public struct JSONStateFile<Value: Codable & Sendable>: Sendable {
    /// What loading found.
    public struct LoadResult: Sendable {
        /// The value, `nil` for a missing or corrupt file.
        public var value: Value?
        /// Where a corrupt file was moved, if it was.
        public var movedCorruptFileTo: String?
    }

    /// Path of the JSON file.
    public let path: String
    /// What the file holds, for messages ("the alerts file").
    public let purpose: String

    /// Creates a state file at `path` (its folder is created on first save).
    public init(path: String, purpose: String) {
        self.path = path
        self.purpose = purpose
    }

    /// Loads the value.
    /// - Parameter now: Names a moved-aside corrupt file.
    /// - Returns: The value, or `nil` when there is none yet.
    /// - Throws: ``StateFileError/unreadable(purpose:path:errno:)`` when the file exists but cannot be read.
    public func load(now: Date = Date()) throws(StateFileError) -> LoadResult {
        switch EmbedStoreFile.readPOSIX(path) {
        case .failed(let code) where EmbedStoreFile.meansNoFile(code):
            return LoadResult(value: nil)
        case .failed(let code):
            throw StateFileError.unreadable(purpose: purpose, path: path, errno: code)
        case .contents(let bytes):
            do {
                return LoadResult(value: try JSONDecoder().decode(Value.self, from: Data(bytes)))
            } catch {
                let target = "\(path).corrupt-\(Int(now.timeIntervalSince1970))"
                return LoadResult(value: nil, movedCorruptFileTo: rename(path, target) == 0 ? target : nil)
            }
        }
    }

    /// Writes the value atomically (the old file stays intact when this fails).
    /// - Throws: ``StateFileError/writeFailed(purpose:path:reason:)``.
    public func save(_ value: Value) throws(StateFileError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try AtomicFileWriter.write(Array(try encoder.encode(value)), to: path, permissions: 0o600)
        } catch {
            throw StateFileError.writeFailed(purpose: purpose, path: path, reason: String(describing: error))
        }
    }
}

/// Failures reading or writing a ``JSONStateFile``; secret-free, naming the path and the fix.
public enum StateFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file exists but cannot be read; the bot must not start and overwrite it.
    case unreadable(purpose: String, path: String, errno: Int32)
    /// Writing failed.
    case writeFailed(purpose: String, path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let purpose, let path, let code):
            "cannot read \(purpose) \(path): \(String(cString: strerror(code))); give it to the bot's user (in the "
                + "container: chown \(EmbedStoreError.containerUserID):\(EmbedStoreError.containerUserID) \(path)) "
                + "or fix its permissions. The bot did not start and left the file untouched."
        case .writeFailed(let purpose, let path, let reason):
            "could not write \(purpose) \(path): \(reason); check the folder exists and is writable"
        }
    }
}
