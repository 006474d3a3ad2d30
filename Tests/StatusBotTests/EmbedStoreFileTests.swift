import DiscordModels
import Foundation
import PanelCore
import Testing

@testable import StatusBot

@Suite struct EmbedStoreFileTests {
    let folder: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    var path: String { "\(folder)/embed/embed_locations.json" }

    let sample: [ServerID: EmbedLocation] = [
        ServerID("1a2b3c4d"): EmbedLocation(channelID: "111111111111111111", messageID: "222222222222222222"),
        ServerID("9f8e7d6c"): EmbedLocation(channelID: "111111111111111111", messageID: "333333333333333333"),
    ]

    @Test func missingFileIsAnEmptyStore() throws {
        let result = try EmbedStoreFile(path: path).load()
        #expect(result.locations.isEmpty)
        #expect(result.movedCorruptFileTo == nil)
    }

    @Test func saveThenLoadRoundTripsAndCreatesTheFolder() throws {
        let file = EmbedStoreFile(path: path)
        try file.save(sample)
        #expect(try file.load().locations == sample)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: "\(folder)/embed")
        #expect(leftovers == ["embed_locations.json"])
    }

    @Test func readsThePythonBotsFormat() throws {
        try FileManager.default.createDirectory(atPath: "\(folder)/embed", withIntermediateDirectories: true)
        let python = #"{"1a2b3c4d": {"channel_id": "111111111111111111", "message_id": "222222222222222222"}}"#
        try python.write(toFile: path, atomically: false, encoding: .utf8)
        let result = try EmbedStoreFile(path: path).load()
        #expect(result.locations == [ServerID("1a2b3c4d"): sample[ServerID("1a2b3c4d")]!])
    }

    @Test func writesThePythonBotsFormat() throws {
        try EmbedStoreFile(path: path).save([ServerID("1a2b3c4d"): sample[ServerID("1a2b3c4d")]!])
        let json =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
            as? [String: [String: String]]
        #expect(json == ["1a2b3c4d": ["channel_id": "111111111111111111", "message_id": "222222222222222222"]])
    }

    @Test func corruptFileIsMovedAsideAndStoreStartsEmpty() throws {
        try FileManager.default.createDirectory(atPath: "\(folder)/embed", withIntermediateDirectories: true)
        try #"{"1a2b3c4d": {"channel_id": "1"#.write(toFile: path, atomically: false, encoding: .utf8)
        let result = try EmbedStoreFile(path: path).load(now: Date(timeIntervalSince1970: 1_700_000_000))
        #expect(result.locations.isEmpty)
        #expect(result.movedCorruptFileTo == "\(path).corrupt-1700000000")
        #expect(result.corruptionReason?.contains("JSON") == true)
        #expect(FileManager.default.fileExists(atPath: "\(path).corrupt-1700000000"))
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func wrongShapeIsCorruptToo() throws {
        try FileManager.default.createDirectory(atPath: "\(folder)/embed", withIntermediateDirectories: true)
        try #"["not", "a", "map"]"#.write(toFile: path, atomically: false, encoding: .utf8)
        let result = try EmbedStoreFile(path: path).load()
        #expect(result.locations.isEmpty)
        #expect(result.movedCorruptFileTo != nil)
    }

    @Test func crashBetweenWriteAndRenameKeepsTheOldFile() throws {
        var file = EmbedStoreFile(path: path)
        try file.save(sample)
        struct SimulatedCrash: Error {}
        file.beforeRename = { throw SimulatedCrash() }
        #expect(throws: EmbedStoreError.interrupted) {
            try file.save([:])
        }
        #expect(try EmbedStoreFile(path: path).load().locations == sample)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: "\(folder)/embed")
        #expect(leftovers == ["embed_locations.json"])
    }

    @Test func directoryAtThePathIsUnreadableNotEmptyAndIsLeftAlone() throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let error = #expect(throws: EmbedStoreError.self) { _ = try EmbedStoreFile(path: path).load() }
        #expect(error == .unreadable(path: path, errno: EISDIR))
        #expect(error?.description.contains(path) == true)
        #expect(error?.description.contains("is a directory") == true)
        #expect(error?.description.contains("EmbedStorePath") == true)
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue)
    }

    /// Tests run as root, which reads a 0000 file anyway, so the EACCES an unprivileged container user gets is
    /// injected through the read hook; the real open/read path is covered by the directory test above.
    @Test func permissionDeniedIsUnreadableNamesChownAndTheFileIsNotOverwritten() throws {
        var file = EmbedStoreFile(path: path)
        try file.save(sample)
        file.readFile = { _ in .failed(errno: EACCES) }
        let error = #expect(throws: EmbedStoreError.self) { _ = try file.load() }
        #expect(error == .unreadable(path: path, errno: EACCES))
        #expect(error?.description.contains("chown 10001:10001 \(path)") == true)
        #expect(error?.description.contains("Permission denied") == true)
        // Nothing was moved aside or rewritten.
        #expect(try EmbedStoreFile(path: path).load().locations == sample)
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(folder)/embed") == ["embed_locations.json"])
    }

    @Test func onlyNoSuchFileMeansAnEmptyStore() throws {
        #expect(EmbedStoreFile.meansNoFile(ENOENT))
        for code in [EACCES, EPERM, EIO, EISDIR, ENOTDIR, ELOOP, EMFILE] {
            #expect(!EmbedStoreFile.meansNoFile(code), "errno \(code)")
        }
        var file = EmbedStoreFile(path: path)
        file.readFile = { _ in .failed(errno: EIO) }
        #expect(throws: EmbedStoreError.unreadable(path: path, errno: EIO)) { _ = try file.load() }
        file.readFile = { _ in .failed(errno: ENOENT) }
        #expect(try file.load().locations.isEmpty)
    }

    @Test func unwritableFolderIsAClearError() throws {
        let file = EmbedStoreFile(path: "/proc/definitely/not/writable/embed_locations.json")
        #expect(throws: EmbedStoreError.self) { try file.save(sample) }
    }
}
