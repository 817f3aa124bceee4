import ChatbotCore
import Foundation

/// Runs PDF extraction in a child process (`chatbot-pdf-worker`) with CPU and address-space
/// rlimits and a wall-clock timeout, so that a crashing or looping parse cannot take down the
/// caller. The worker is found through `CHATBOT_PDF_WORKER`, else next to the running executable.
struct PDFWorkerClient {
    let options: ExtractionOptions

    static func workerURL() throws -> URL {
        if let override = ProcessInfo.processInfo.environment["CHATBOT_PDF_WORKER"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folders = [executable.deletingLastPathComponent()]
        if let argument = CommandLine.arguments.first {
            folders.append(URL(fileURLWithPath: argument).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        // Test bundles sit in a folder below the build products on some platforms.
        folders += folders.map { $0.deletingLastPathComponent() }
        for folder in folders {
            for name in ["chatbot-pdf-worker", "ChatbotPDFWorker"] {
                let candidate = folder.appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            }
        }
        throw ChatbotError(
            .unavailable, "PDF extraction needs chatbot-pdf-worker next to the chatbot binary and it is missing",
            hint: "Install chatbot-pdf-worker beside chatbot or set CHATBOT_PDF_WORKER to its path.")
    }

    func extract(data: Data, source: String) throws -> ExtractedDocument {
        let worker = try Self.workerURL()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "chatbot-pdf-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("input.pdf")
        try data.write(to: input)

        var environment = ProcessInfo.processInfo.environment
        environment["CHATBOT_PDF_PASSWORD"] = options.password
        environment.merge(options.pdfWorkerEnvironment) { _, new in new }
        let arguments = [
            worker.path, input.path, String(options.pdfTimeoutSeconds), String(options.pdfMemoryBytes),
        ]
        let result = try ChildProcess.run(
            executable: worker.path, arguments: arguments, environment: environment,
            timeoutSeconds: options.pdfTimeoutSeconds, outputLimit: options.maxTotalInflatedBytes, source: source)
        switch result.ending {
        case .timedOut:
            throw ChatbotError(
                .runtime,
                "\(source): PDF extraction did not finish within \(options.pdfTimeoutSeconds) s and was stopped")
        case .outputTooLarge:
            throw ChatbotError(
                .runtime, "\(source): the PDF's text exceeds \(options.maxTotalInflatedBytes) bytes, refused")
        case .exited(let status):
            return try parse(result.output, failure: status == 0 ? nil : "exited with status \(status)", source: source)
        case .signalled(let signal):
            return try parse(result.output, failure: "was killed by signal \(signal)", source: source)
        }
    }

    private func parse(_ data: Data, failure: String?, source: String) throws -> ExtractedDocument {
        var metadata = DocumentMetadata()
        var builder = BlockBuilder()
        var ended = false
        for line in data.split(separator: UInt8(ascii: "\n")) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                let type = object["type"] as? String
            else { continue }
            switch type {
            case "meta":
                metadata.pageCount = object["pages"] as? Int
                metadata.title = nonEmpty(object["title"] as? String)
                metadata.author = nonEmpty(object["author"] as? String)
                metadata.created = object["created"] as? String
                metadata.modified = object["modified"] as? String
            case "page":
                let page = object["page"] as? Int ?? 0
                builder.startUnit(DocumentLocation(page: page))
                let text = (object["text"] as? String ?? "").replacingOccurrences(of: "\u{0C}", with: "")
                for paragraph in Self.paragraphs(text) { builder.paragraph(paragraph) }
            case "error":
                let code = object["code"] as? String ?? ""
                let message = object["message"] as? String ?? "unknown error"
                if code == "encrypted" {
                    if options.password == nil {
                        throw ChatbotError(
                            .runtime, "\(source): the PDF is encrypted and needs a password",
                            hint: "Pass it with --password.")
                    }
                    throw ChatbotError(.runtime, "\(source): the PDF is encrypted and the password is wrong")
                }
                throw ChatbotError(.runtime, "\(source): cannot read the PDF (truncated or corrupt): \(message)")
            case "end":
                ended = true
            default:
                break
            }
        }
        guard ended, failure == nil else {
            let how = failure ?? "stopped"
            throw ChatbotError(
                .runtime, "\(source): the PDF worker \(how) before finishing (a malformed or hostile PDF)")
        }
        return ExtractedDocument(format: .pdf, metadata: metadata, blocks: builder.blocks)
    }

    /// Splits a page's text into paragraphs: at blank lines, and after a line that ends a
    /// sentence while clearly shorter than the page's full lines (the last line of a paragraph).
    static func paragraphs(_ text: String) -> [String] {
        let lines = text.components(separatedBy: "\n")
        let full = lines.map(\.count).max() ?? 0
        var paragraphs: [String] = []
        var current: [String] = []
        for line in lines {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty {
                if !current.isEmpty { paragraphs.append(current.joined(separator: " ")) }
                current.removeAll()
                continue
            }
            current.append(trimmed)
            let endsSentence = trimmed.last.map { ".!?:".contains($0) } ?? false
            if endsSentence && trimmed.count * 10 < full * 7 {
                paragraphs.append(current.joined(separator: " "))
                current.removeAll()
            }
        }
        if !current.isEmpty { paragraphs.append(current.joined(separator: " ")) }
        return paragraphs
    }
}
