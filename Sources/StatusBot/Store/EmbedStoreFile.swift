import PanelCore

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

/// Reads and writes `embed_locations.json` so that a crash or kill at any moment leaves either the old or the
/// new file, never a broken one: the new content goes to a temporary file in the same folder, is fsynced, and
/// is renamed over the old file (rename is atomic within one file system).
public struct EmbedStoreFile: Sendable {
    /// What loading found.
    public struct LoadResult: Sendable, Equatable {
        /// The locations read (empty for a missing or corrupt file).
        public var locations: [ServerID: EmbedLocation]
        /// Where a corrupt file was moved, if it was.
        public var movedCorruptFileTo: String?
        /// Why the file was considered corrupt.
        public var corruptionReason: String?
    }

    /// Path of the JSON file.
    public let path: String

    /// A hook between writing the temporary file and renaming it, so tests can simulate a crash there.
    var beforeRename: @Sendable () throws -> Void = {}

    /// Creates a store file at `path` (its folder is created on first save).
    public init(path: String) {
        self.path = path
    }

    /// Loads the locations. A missing file is an empty store; an unreadable or corrupt one is moved aside to
    /// `<path>.corrupt-<unix time>` and reported, and the bot starts with an empty store.
    /// - Parameter now: The current time, used to name a moved-aside file.
    public func load(now: Date = Date()) -> LoadResult {
        guard let data = FileManager.default.contents(atPath: path) else {
            return LoadResult(locations: [:])
        }
        do {
            let raw = try JSONDecoder().decode([String: EmbedLocation].self, from: data)
            var locations: [ServerID: EmbedLocation] = [:]
            for (key, location) in raw { locations[ServerID(key)] = location }
            return LoadResult(locations: locations)
        } catch {
            let target = "\(path).corrupt-\(Int(now.timeIntervalSince1970))"
            let moved = rename(path, target) == 0
            return LoadResult(
                locations: [:],
                movedCorruptFileTo: moved ? target : nil,
                corruptionReason: Self.describe(error)
            )
        }
    }

    /// Writes the locations atomically.
    /// - Parameter locations: The whole store.
    /// - Throws: ``EmbedStoreError`` when the folder or file cannot be written (the old file stays intact).
    public func save(_ locations: [ServerID: EmbedLocation]) throws {
        var raw: [String: EmbedLocation] = [:]
        for (id, location) in locations { raw[id.rawValue] = location }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data: Data
        do {
            data = try encoder.encode(raw)
        } catch {
            throw EmbedStoreError.encodingFailed(String(describing: error))
        }
        do {
            try AtomicFileWriter.write(Array(data), to: path, permissions: 0o600, beforeRename: beforeRename)
        } catch let error as FileWriteError {
            throw EmbedStoreError.writeFailed(path: error.path, errno: error.errno ?? EIO)
        } catch {
            throw EmbedStoreError.interrupted
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): "not valid JSON (\(context.debugDescription))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "unexpected shape at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.keyNotFound(let key, let context):
            "missing \(key.stringValue) at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default: String(describing: error)
        }
    }
}

/// Failures writing the embed store.
public enum EmbedStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The JSON could not be produced.
    case encodingFailed(String)
    /// A write, fsync or rename failed with this errno.
    case writeFailed(path: String, errno: Int32)
    /// The save was interrupted before the rename (tests simulate crashes this way).
    case interrupted

    public var description: String {
        switch self {
        case .encodingFailed(let reason): "could not encode the embed store: \(reason)"
        case .writeFailed(let path, let code):
            "could not write \(path): \(String(cString: strerror(code))); check the folder exists and is writable"
        case .interrupted: "the save was interrupted before the rename; the previous file is intact"
        }
    }
}
