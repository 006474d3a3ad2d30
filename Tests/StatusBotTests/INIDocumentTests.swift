import Testing

@testable import StatusBot

@Suite struct INIDocumentTests {
    @Test func readsSectionsKeysAndComments() {
        let document = INIDocument(
            text: """
                ; whole-line comment
                # another one
                [Discord]
                Token = abc ; inline comment
                AllowedRoles = Admin#1, Mods   # hash without a space stays
                [Bot]
                UpdateInterval: 15
                """
        )
        #expect(document.problems.isEmpty)
        #expect(document.entry(section: "discord", key: "TOKEN")?.value == "abc")
        #expect(document.entry(section: "Discord", key: "AllowedRoles")?.value == "Admin#1, Mods")
        #expect(document.entry(section: "Bot", key: "UpdateInterval")?.value == "15")
        #expect(document.entry(section: "Bot", key: "UpdateInterval")?.line == 7)
    }

    @Test func quotedValuesKeepCommentCharacters() {
        let document = INIDocument(text: "[A]\nx = \"a ; b # c\" ; note\ny = 'single \"q\"'\nz = \"esc \\\" q\"")
        #expect(document.problems.isEmpty)
        #expect(document.entry(section: "A", key: "x")?.value == "a ; b # c")
        #expect(document.entry(section: "A", key: "y")?.value == "single \"q\"")
        #expect(document.entry(section: "A", key: "z")?.value == "esc \" q")
    }

    @Test func toleratesBOMAndCRLF() {
        let document = INIDocument(bytes: [0xEF, 0xBB, 0xBF] + Array("[Bot]\r\nLogLevel = debug\r\n".utf8))
        #expect(document.problems.isEmpty)
        #expect(document.entry(section: "Bot", key: "LogLevel")?.value == "debug")
    }

    @Test func reportsDuplicateKeysCaseInsensitively() {
        let document = INIDocument(text: "[Bot]\nLogLevel = info\nloglevel = debug")
        #expect(document.problems.count == 1)
        #expect(document.problems.first?.line == 3)
        #expect(document.problems.first?.message.contains("set twice (first on line 2)") == true)
        #expect(document.entry(section: "Bot", key: "LogLevel")?.value == "info")
    }

    @Test func unterminatedQuoteIsReported() {
        let document = INIDocument(text: "[Discord]\nToken = \"abc")
        #expect(document.problems.count == 1)
        #expect(document.problems.first?.message.contains("unterminated quoted value") == true)
        #expect(document.entry(section: "Discord", key: "Token") == nil)
    }

    @Test func keyOutsideSectionIsReported() {
        let document = INIDocument(text: "Token = abc\n[Discord]")
        #expect(document.problems.map(\.line) == [1])
        #expect(document.problems.first?.message.contains("outside any section") == true)
    }

    @Test func malformedLinesAreReported() {
        let document = INIDocument(text: "[Discord\njust words\n[]\n= value")
        #expect(document.problems.map(\.line) == [1, 2, 3, 4])
    }

    @Test func binaryGarbageIsRejected() {
        let withNul = INIDocument(bytes: [0x5B, 0x00, 0xFF, 0x10])
        #expect(withNul.problems.count == 1)
        #expect(withNul.entries.isEmpty)
        let invalidUTF8 = INIDocument(bytes: [0x5B, 0x41, 0x5D, 0x0A, 0xC3, 0x28, 0xFF])
        #expect(invalidUTF8.problems.first?.message.contains("UTF-8") == true)
    }

    @Test func emptyFileHasNoEntriesAndNoProblems() {
        let document = INIDocument(text: "")
        #expect(document.entries.isEmpty)
        #expect(document.problems.isEmpty)
    }
}
