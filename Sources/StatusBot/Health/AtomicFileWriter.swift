#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes whole files so that a reader (or a crash) only ever sees the old or the new content: the bytes go to a
/// temporary file in the same folder, are fsynced, and the temporary file is renamed over the target (rename(2) is
/// atomic within one file system).
///
/// Used by the embed store, the heartbeat file and the HTML preview.
public enum AtomicFileWriter {
    /// Writes `bytes` to `path` atomically, creating the parent folder when it is missing.
    /// - Parameters:
    ///   - bytes: The complete new content.
    ///   - path: The target file.
    ///   - permissions: Mode bits of a newly written file.
    ///   - beforeRename: Runs between the fsync and the rename; tests throw here to simulate a crash.
    /// - Throws: ``FileWriteError``, or what `beforeRename` threw (the previous file, if any, is left untouched).
    public static func write(
        _ bytes: some Collection<UInt8>,
        to path: String,
        permissions: mode_t = 0o644,
        beforeRename: () throws -> Void = {}
    ) throws {
        let folder = parentFolder(of: path)
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw FileWriteError(path: folder, operation: "create folder", errno: nil)
            }
        }
        // A unique temporary name: two writers of the same path never share a temporary file.
        let temporary = "\(path).tmp-\(getpid())-\(UInt32.random(in: .min ... .max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, permissions)
        guard descriptor >= 0 else {
            throw FileWriteError(path: temporary, operation: "create", errno: errno)
        }
        let contiguous = Array(bytes)
        let writeErrno: Int32? = contiguous.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let result = posixWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if result < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += result
            }
            return fsync(descriptor) == 0 ? nil : errno
        }
        close(descriptor)
        if let writeErrno {
            unlink(temporary)
            throw FileWriteError(path: temporary, operation: "write", errno: writeErrno)
        }
        do {
            try beforeRename()
        } catch {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let renameErrno = errno
            unlink(temporary)
            throw FileWriteError(path: path, operation: "rename", errno: renameErrno)
        }
        syncFolder(folder.isEmpty ? "." : folder)
    }

    /// fsync on the folder makes the rename itself durable across a power loss.
    private static func syncFolder(_ folder: String) {
        let descriptor = open(folder, O_RDONLY)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    /// Writes UTF-8 text atomically.
    /// - Parameters:
    ///   - text: The complete new content.
    ///   - path: The target file.
    /// - Throws: ``FileWriteError``.
    public static func write(text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    /// The folder part of `path` (`""` for a bare file name).
    static func parentFolder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

/// `write(2)`, named apart from ``AtomicFileWriter/write(_:to:permissions:)`` so the call inside it is unambiguous.
private func posixWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}

/// A file could not be written. The description names the path and the system error, nothing else.
public struct FileWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file or folder that failed.
    public var path: String
    /// What was being done: `create folder`, `create`, `write`, `rename`.
    public var operation: String
    /// The system error number, when there is one.
    public var errno: Int32?

    /// Creates an error value.
    public init(path: String, operation: String, errno: Int32?) {
        self.path = path
        self.operation = operation
        self.errno = errno
    }

    /// E.g. `cannot rename embed/.heartbeat: Permission denied (errno 13)`.
    public var description: String {
        guard let errno else { return "cannot \(operation) \(path)" }
        return "cannot \(operation) \(path): \(String(cString: strerror(errno))) (errno \(errno))"
    }
}
