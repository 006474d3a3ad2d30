import Foundation
import Testing

@testable import StatusBot

/// The alerts file follows the embed store's rules: only a missing file is empty, an unreadable one stops the
/// start with the path and the fix, a corrupt one is moved aside.
struct JSONStateFileTests {
    struct Value: Codable, Sendable, Equatable {
        var open: [String]
    }

    func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func aMissingFileIsEmptyAndASavedValueComesBack() throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let file = JSONStateFile<Value>(path: root + "/embed/alerts.json", purpose: "the alerts file")
        #expect(try file.load().value == nil)
        try file.save(Value(open: ["a1", "a2"]))
        #expect(try file.load().value == Value(open: ["a1", "a2"]))
    }

    @Test func aCorruptFileIsMovedAsideNotOverwritten() throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/alerts.json"
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: path))
        let loaded = try JSONStateFile<Value>(path: path, purpose: "the alerts file")
            .load(now: Date(timeIntervalSince1970: 1_764_622_800))
        #expect(loaded.value == nil)
        #expect(loaded.movedCorruptFileTo == path + ".corrupt-1764622800")
        #expect(try String(contentsOfFile: path + ".corrupt-1764622800", encoding: .utf8) == "{not json")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func aFolderAtThePathStopsTheStartNamingThePath() throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/alerts.json"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let error = #expect(throws: StateFileError.self) {
            try JSONStateFile<Value>(path: path, purpose: "the alerts file").load()
        }
        #expect(error?.description.hasPrefix("cannot read the alerts file \(path):") == true)
        #expect(error?.description.contains("left the file untouched") == true)
    }
}
