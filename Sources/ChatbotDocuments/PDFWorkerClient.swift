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

    func extract(data: Data, source: String) async throws -> ExtractedDocument {
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
        let result = try await ChildProcess.run(
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

    /// The most files one worker start serves.
    static let batchSize = 16

    /// Extracts several PDFs with one worker start per ``batchSize`` files; one result per input,
    /// in order. Each file keeps its own CPU budget; a file that kills the worker (crash, memory,
    /// CPU) fails alone, and the files after it go to a fresh worker.
    func extractBatch(_ inputs: [(data: Data, source: String)]) async -> [Result<ExtractedDocument, ChatbotError>] {
        guard inputs.count > 1 else {
            var results: [Result<ExtractedDocument, ChatbotError>] = []
            for input in inputs { results.append(await extractResult(data: input.data, source: input.source)) }
            return results
        }
        var results: [Result<ExtractedDocument, ChatbotError>] = []
        var start = 0
        while start < inputs.count {
            let group = Array(inputs[start..<min(inputs.count, start + Self.batchSize)])
            let done = await runBatch(group)
            results += done
            start += done.count
        }
        return results
    }

    /// ``extract(data:source:)`` with its error as a ``ChatbotCore/ChatbotError``.
    private func extractResult(data: Data, source: String) async -> Result<ExtractedDocument, ChatbotError> {
        do {
            return .success(try await extract(data: data, source: source))
        } catch {
            return .failure(Self.chatbotError(error))
        }
    }

    private static func chatbotError(_ error: any Error) -> ChatbotError {
        error as? ChatbotError
            ?? ChatbotError(
                .runtime, "cannot run the PDF worker (\(String(reflecting: type(of: error))))",
                hint: "check that chatbot-pdf-worker beside chatbot (or CHATBOT_PDF_WORKER) is executable")
    }

    /// One worker over `inputs`: the results of the files it got through, up to and including a
    /// file it died on (fewer than `inputs.count` then; the caller runs the rest again).
    private func runBatch(_ inputs: [(data: Data, source: String)]) async -> [Result<ExtractedDocument, ChatbotError>] {
        let failAll = { (error: ChatbotError) in
            inputs.map { _ in Result<ExtractedDocument, ChatbotError>.failure(error) }
        }
        let worker: URL
        do { worker = try Self.workerURL() } catch { return failAll(Self.chatbotError(error)) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "chatbot-pdf-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var paths: [String] = []
        do {
            try FileManager.default.createDirectory(
                at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            for (index, input) in inputs.enumerated() {
                let file = folder.appendingPathComponent("input-\(index).pdf")
                try input.data.write(to: file)
                paths.append(file.path)
            }
        } catch {
            return failAll(ChatbotError(.runtime, "cannot write a temporary file for the PDF worker: \(error)"))
        }
        var environment = ProcessInfo.processInfo.environment
        environment["CHATBOT_PDF_PASSWORD"] = options.password
        environment.merge(options.pdfWorkerEnvironment) { _, new in new }
        let arguments =
            [worker.path, "--batch", String(options.pdfTimeoutSeconds), String(options.pdfMemoryBytes)] + paths
        let result: ChildProcess.Result
        do {
            result = try await ChildProcess.run(
                executable: worker.path, arguments: arguments, environment: environment,
                timeoutSeconds: options.pdfTimeoutSeconds * inputs.count, outputLimit: options.maxTotalInflatedBytes,
                source: inputs[0].source)
        } catch {
            return failAll(Self.chatbotError(error))
        }
        // Split the output at the file markers.
        var segments: [Data] = []
        var current: Data?
        for line in result.output.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            if line.starts(with: Array(#"{"type":"file","#.utf8)) {
                if let current { segments.append(current) }
                current = Data()
                continue
            }
            current?.append(contentsOf: line)
            current?.append(UInt8(ascii: "\n"))
        }
        if let current { segments.append(current) }

        var results: [Result<ExtractedDocument, ChatbotError>] = []
        for (index, segment) in segments.enumerated() where index < inputs.count {
            let source = inputs[index].source
            let finished = Self.finishedSegment(segment)
            if finished || index < segments.count - 1 {
                results.append(
                    Result { try parse(segment, failure: finished ? nil : "stopped", source: source) }
                        .mapError(Self.chatbotError))
                continue
            }
            // The last file started is the one the worker died on.
            let how: String
            switch result.ending {
            case .timedOut:
                results.append(
                    .failure(
                        ChatbotError(
                            .runtime,
                            "\(source): PDF extraction did not finish within \(options.pdfTimeoutSeconds) s and was stopped"
                        )))
                return results
            case .outputTooLarge:
                // Too much text for one batch: run this file on its own.
                results.append(await extractResult(data: inputs[index].data, source: source))
                return results
            case .exited(let status): how = "exited with status \(status)"
            case .signalled(let signal): how = "was killed by signal \(signal)"
            }
            results.append(
                Result { try parse(segment, failure: how, source: source) }.mapError(Self.chatbotError))
            return results
        }
        if results.isEmpty {
            // The worker died before its first file (the test hooks do that): every file fails alike.
            let how: String
            switch result.ending {
            case .exited(let status): how = "exited with status \(status)"
            case .signalled(let signal): how = "was killed by signal \(signal)"
            case .timedOut: how = "did not finish within \(options.pdfTimeoutSeconds) s and was stopped"
            case .outputTooLarge: how = "wrote too much"
            }
            return inputs.map { input in
                .failure(
                    ChatbotError(
                        .runtime,
                        "\(input.source): the PDF worker \(how) before finishing (a malformed or hostile PDF)"))
            }
        }
        return results
    }

    /// Whether a file's lines end with its `end` or an `error` line.
    private static func finishedSegment(_ segment: Data) -> Bool {
        guard let last = segment.split(separator: UInt8(ascii: "\n")).last else { return false }
        return last.starts(with: Array(#"{"type":"end""#.utf8)) || last.starts(with: Array(#"{"type":"error""#.utf8))
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
                            hint: "Give the PDF's password.", reason: .pdfPasswordMissing)
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
            let trimmed = line.trimmedWhitespace
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
