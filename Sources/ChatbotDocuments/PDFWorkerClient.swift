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

        let process = Process()
        process.executableURL = worker
        process.arguments = [input.path, String(options.pdfTimeoutSeconds), String(options.pdfMemoryBytes)]
        var environment = ProcessInfo.processInfo.environment
        environment["CHATBOT_PDF_PASSWORD"] = options.password
        environment.merge(options.pdfWorkerEnvironment) { _, new in new }
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        let collected = OutputBox()
        let reader = DispatchSemaphore(value: 0)
        do {
            try process.run()
        } catch {
            throw ChatbotError(.unavailable, "\(source): cannot start the PDF worker \(worker.path): \(error)")
        }
        DispatchQueue.global().async {
            collected.data = output.fileHandleForReading.readDataToEndOfFile()
            reader.signal()
        }
        if finished.wait(timeout: .now() + .seconds(options.pdfTimeoutSeconds)) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            finished.wait()
            reader.wait()
            throw ChatbotError(
                .runtime,
                "\(source): PDF extraction did not finish within \(options.pdfTimeoutSeconds) s and was stopped")
        }
        reader.wait()
        return try parse(
            collected.data, status: process.terminationStatus, reason: process.terminationReason, source: source)
    }

    private func parse(
        _ data: Data, status: Int32, reason: Process.TerminationReason, source: String
    ) throws -> ExtractedDocument {
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
        guard ended, reason == .exit, status == 0 else {
            let how = reason == .uncaughtSignal ? "was killed by signal \(status)" : "exited with status \(status)"
            throw ChatbotError(
                .runtime, "\(source): the PDF worker \(how) before finishing (a malformed or hostile PDF)")
        }
        return ExtractedDocument(format: .pdf, metadata: metadata, blocks: builder.blocks)
    }

    /// Splits a page's text into paragraphs at blank lines; lines inside a paragraph are joined.
    static func paragraphs(_ text: String) -> [String] {
        text.components(separatedBy: "\n\n").map { $0.replacingOccurrences(of: "\n", with: " ") }
    }
}

/// The worker's output, written by one reader thread and read after it signalled.
private final class OutputBox: @unchecked Sendable {  // Written once before a semaphore signal, read after the wait.
    var data = Data()
}
