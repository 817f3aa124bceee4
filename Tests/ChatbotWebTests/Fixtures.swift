import ChatbotWeb
import Foundation
import Synchronization
import Testing

/// Fixtures made at test time by real command-line tools (gzip, brotli, iconv, python3's zlib).
enum Fixtures {
    struct ToolFailed: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `/bin/sh -c script` with `input` on stdin and returns stdout.
    static func shell(_ script: String, input: [UInt8] = []) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(filePath: "/bin/sh")
        process.arguments = ["-c", script]
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        let writer = Thread {
            stdin.fileHandleForWriting.write(Data(input))
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ToolFailed(description: "`\(script)` exited with \(process.terminationStatus)")
        }
        return Array(output)
    }

    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] { try shell("gzip -c -n", input: bytes) }
    static func brotli(_ bytes: [UInt8]) throws -> [UInt8] { try shell("brotli -c", input: bytes) }
    static func zlibDeflate(_ bytes: [UInt8]) throws -> [UInt8] {
        try shell(
            "python3 -c 'import sys,zlib;sys.stdout.buffer.write(zlib.compress(sys.stdin.buffer.read()))'", input: bytes
        )
    }
    static func rawDeflate(_ bytes: [UInt8]) throws -> [UInt8] {
        try shell(
            "python3 -c 'import sys,zlib;c=zlib.compressobj(6,zlib.DEFLATED,-15);sys.stdout.buffer.write(c.compress(sys.stdin.buffer.read())+c.flush())'",
            input: bytes)
    }
    static func iconv(_ text: String, to charset: String) throws -> [UInt8] {
        try shell("iconv -f UTF-8 -t \(charset)", input: Array(text.utf8))
    }
    /// `megabytes` MiB of zeros, gzipped: about 1000 times smaller than it inflates to.
    static func gzipBomb(megabytes: Int) throws -> [UInt8] {
        try shell("head -c \(megabytes)M /dev/zero | gzip -c -n")
    }

    /// A trivial link extractor for tests (the real one is ChatbotHTML's): `href="…"` in `<a>`
    /// and `<link rel="canonical">`, resolved against the final URL.
    static func extractLinks(_ page: FetchedPage) -> ExtractedLinks {
        let html = page.text
        var links: [URL] = []
        var canonical: URL?
        let pattern = try! NSRegularExpression(pattern: #"<(a|link)\b([^>]*)>"#, options: [.caseInsensitive])
        let href = try! NSRegularExpression(pattern: #"href\s*=\s*"([^"]*)""#, options: [.caseInsensitive])
        for match in pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
            guard let tagRange = Range(match.range(at: 1), in: html),
                let attributesRange = Range(match.range(at: 2), in: html)
            else { continue }
            let attributes = String(html[attributesRange])
            guard
                let hrefMatch = href.firstMatch(
                    in: attributes, range: NSRange(attributes.startIndex..., in: attributes)),
                let valueRange = Range(hrefMatch.range(at: 1), in: attributes),
                let url = URL(string: String(attributes[valueRange]), relativeTo: page.finalURL)?.absoluteURL
            else { continue }
            if html[tagRange].lowercased() == "link" {
                if attributes.lowercased().contains("canonical") { canonical = url }
            } else {
                links.append(url)
            }
        }
        return ExtractedLinks(links: links, canonical: canonical)
    }

    /// A fresh empty directory under the temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appending(path: "chatbot-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// A resolver that answers from a script, for the faults a real DNS cannot produce on demand
/// (a rebinding answer that changes between two lookups).
final class ScriptedResolver: HostResolver, Sendable {
    private let answers: Mutex<[[IPAddress]]>
    private let calls = Mutex(0)

    init(_ answers: [[IPAddress]]) {
        self.answers = Mutex(answers)
    }

    var callCount: Int { calls.withLock { $0 } }

    func resolve(host: String) async throws -> [IPAddress] {
        calls.withLock { $0 += 1 }
        return answers.withLock { answers in
            answers.count > 1 ? answers.removeFirst() : answers.first ?? []
        }
    }
}
