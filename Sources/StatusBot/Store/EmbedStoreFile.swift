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

    /// What reading the file's bytes found.
    enum ReadOutcome: Sendable, Equatable {
        /// The file's contents.
        case contents([UInt8])
        /// The read failed with this errno (`ENOENT`: no such file; `EISDIR`: a directory is at the path).
        case failed(errno: Int32)
    }

    /// A hook between writing the temporary file and renaming it, so tests can simulate a crash there.
    var beforeRename: @Sendable () throws -> Void = {}
    /// Reads the file; tests inject failures the test user cannot provoke (root reads a 0000 file).
    var readFile: @Sendable (String) -> ReadOutcome = EmbedStoreFile.readPOSIX

    /// Creates a store file at `path` (its folder is created on first save).
    public init(path: String) {
        self.path = path
    }

    /// Loads the locations. Only a missing file is an empty store. A file that is there but cannot be read
    /// (permission denied, an I/O error, a directory at the path) throws, and nothing is written over it. A file
    /// that reads but is not valid JSON is moved aside to `<path>.corrupt-<unix time>` and reported, and the bot
    /// starts with an empty store.
    /// - Parameter now: The current time, used to name a moved-aside file.
    /// - Returns: The locations, and where a corrupt file went.
    /// - Throws: ``EmbedStoreError/unreadable(path:errno:)`` when the file exists but cannot be read.
    public func load(now: Date = Date()) throws(EmbedStoreError) -> LoadResult {
        let bytes: [UInt8]
        switch readFile(path) {
        case .contents(let contents):
            bytes = contents
        case .failed(let code) where Self.meansNoFile(code):
            return LoadResult(locations: [:])
        case .failed(let code):
            throw EmbedStoreError.unreadable(path: path, errno: code)
        }
        let data = Data(bytes)
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

    /// Whether a read failure means "nothing is tracked yet": only `ENOENT` (no such file). Permission denied,
    /// I/O errors, a directory at the path or a file where a folder should be are not an empty store.
    /// - Parameter code: The errno of the failed open or read.
    static func meansNoFile(_ code: Int32) -> Bool {
        code == ENOENT
    }

    /// Reads a whole file with open/fstat/read, keeping the errno of a failure.
    static func readPOSIX(_ path: String) -> ReadOutcome {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failed(errno: errno) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return .failed(errno: errno) }
        if (status.st_mode & S_IFMT) == S_IFDIR { return .failed(errno: EISDIR) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failed(errno: errno)
            }
            if count == 0 { return .contents(bytes) }
            bytes.append(contentsOf: chunk[0..<count])
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
    /// The store exists but cannot be read (permission denied, an I/O error, a directory at the path). The bot
    /// must not start: with an empty store it would post new messages and then overwrite the old file.
    case unreadable(path: String, errno: Int32)

    /// The user the container image runs as; a store migrated from the Python bot is often root-owned 0600.
    public static let containerUserID = 10001

    /// A secret-free description naming the path and the fix.
    public var description: String {
        switch self {
        case .encodingFailed(let reason): "could not encode the embed store: \(reason)"
        case .writeFailed(let path, let code):
            "could not write \(path): \(String(cString: strerror(code))); check the folder exists and is writable"
        case .interrupted: "the save was interrupted before the rename; the previous file is intact"
        case .unreadable(let path, let code) where code == EISDIR:
            "cannot read the embed store \(path): it is a directory, not a file; move it away or point "
                + "EmbedStorePath (BOT_EMBED_STORE_PATH) at a file. The bot did not start and changed nothing."
        case .unreadable(let path, let code):
            "cannot read the embed store \(path): \(String(cString: strerror(code))); the bot must be able to "
                + "read and write it: give it to the bot's user (in the container: "
                + "chown \(Self.containerUserID):\(Self.containerUserID) \(path) and its folder) or fix its "
                + "permissions. The bot did not start and left the file untouched."
        }
    }
}
