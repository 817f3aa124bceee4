import Foundation
import Testing

/// The man page and shell completions are generated from the binary; this fails when they are stale.
@Suite("Generated documentation")
struct GeneratedDocsTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var binary: String {
        ProcessInfo.processInfo.environment["CHATBOT_BIN"]
            ?? packageRoot.appendingPathComponent(".build/debug/chatbot").path
    }

    @Test("man page and completions match what the binary generates")
    func docsAreCurrent() throws {
        let process = Process()
        process.executableURL = Self.packageRoot.appendingPathComponent("Scripts/gen-docs")
        process.arguments = ["--check", "--bin", Self.binary]
        process.currentDirectoryURL = Self.packageRoot
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(message)")
    }

    @Test("the man page documents every exit code")
    func manPageHasExitCodes() throws {
        let man = try String(contentsOf: Self.packageRoot.appendingPathComponent("man/chatbot.1"), encoding: .utf8)
        let section = try #require(man.components(separatedBy: ".SH EXIT STATUS").last)
        for code in ["0", "1", "2", "64", "69", "75", "130"] {
            #expect(section.contains("\\fB\(code)\\fR"), "exit code \(code) missing from the man page")
        }
    }
}
