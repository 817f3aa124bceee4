import ChatbotCore
import ChatbotDocuments
import Foundation
import Testing

@Suite("PDF extraction in a worker process")
struct PDFTests {
    struct CorpusFile: Decodable {
        let path: String
        let pages: Int
        let encrypted: Bool
    }

    struct Corpus: Decodable { let data: [CorpusFile] }

    static func corpus() throws -> (URL, [CorpusFile])? {
        guard let folder = Fixtures.pdfCorpus() else { return nil }
        let data = try Data(contentsOf: folder.appendingPathComponent("files.json"))
        return (folder, try JSONDecoder().decode(Corpus.self, from: data).data)
    }

    @Test(
        "Page counts of the corpus PDFs match files.json; text per page",
        .enabled(
            if: Fixtures.pdfCorpus() != nil,
            "PDF corpus not found: set CHATBOT_CORPORA_DIR to the folder holding pdf-samples"))
    func corpusPageCounts() async throws {
        let (folder, files) = try #require(try Self.corpus())
        var checked = 0
        for file in files where !file.encrypted {
            let url = folder.appendingPathComponent(file.path)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            let document = try await DocumentExtractor().extract(fileAt: url)
            #expect(document.format == .pdf)
            #expect(document.metadata.pageCount == file.pages, "\(file.path)")
            let pages = Set(document.blocks.compactMap(\.location.page))
            #expect(pages.allSatisfy { (1...file.pages).contains($0) }, "\(file.path)")
            checked += 1
        }
        #expect(checked >= 5)
        let fourPages = try await DocumentExtractor().extract(
            fileAt: folder.appendingPathComponent("004-pdflatex-4-pages/pdflatex-4-pages.pdf"))
        #expect(Set(fourPages.blocks.compactMap(\.location.page)) == [1, 2, 3, 4])
        #expect(fourPages.blocks.first?.text.hasPrefix("Hello, here is some text without a meaning.") == true)
        #expect(fourPages.markdown.contains("<!-- page 3 -->"))
    }

    @Test(
        "An encrypted PDF needs --password; the right password opens it",
        .enabled(
            if: Fixtures.pdfCorpus() != nil,
            "PDF corpus not found: set CHATBOT_CORPORA_DIR to the folder holding pdf-samples"))
    func encrypted() async throws {
        let folder = try #require(Fixtures.pdfCorpus())
        let url = folder.appendingPathComponent("005-libreoffice-writer-password/libreoffice-writer-password.pdf")
        let error = try await #require(throws: ChatbotError.self) { try await DocumentExtractor().extract(fileAt: url) }
        #expect(error.message.contains("libreoffice-writer-password.pdf"))
        #expect(error.message.contains("encrypted"))
        var wrong = ExtractionOptions()
        wrong.password = "nope"
        let wrongError = try await #require(throws: ChatbotError.self) {
            try await DocumentExtractor(options: wrong).extract(fileAt: url)
        }
        #expect(wrongError.message.contains("password is wrong"))
        var options = ExtractionOptions()
        options.password = "openpassword"
        let document = try await DocumentExtractor(options: options).extract(fileAt: url)
        #expect(document.metadata.pageCount ?? 0 >= 1)
        #expect(!document.text.isEmpty)
    }

    @Test(
        "A truncated PDF gets a clear error",
        .enabled(
            if: Fixtures.pdfCorpus() != nil,
            "PDF corpus not found: set CHATBOT_CORPORA_DIR to the folder holding pdf-samples"))
    func truncated() async throws {
        let folder = try #require(Fixtures.pdfCorpus())
        let data = try Data(contentsOf: folder.appendingPathComponent("004-pdflatex-4-pages/pdflatex-4-pages.pdf"))
        let error = try await #require(throws: ChatbotError.self) {
            try await DocumentExtractor().extract(data: data.prefix(400), filename: "cut.pdf")
        }
        #expect(error.message.hasPrefix("cut.pdf:"))
        #expect(error.message.contains("corrupt") || error.message.contains("worker"))
    }

    @Test("A crashing worker leaves the caller running with a clear error")
    func crash() async throws {
        var options = ExtractionOptions()
        options.pdfWorkerEnvironment = ["CHATBOT_PDF_WORKER_TEST": "crash"]
        let error = try await #require(throws: ChatbotError.self) {
            try await DocumentExtractor(options: options).extract(data: Data("%PDF-1.4\n".utf8), filename: "crash.pdf")
        }
        #expect(error.message.hasPrefix("crash.pdf:"))
        #expect(error.message.contains("killed by signal"))
    }

    @Test("A looping worker is stopped by the timeout")
    func spin() async throws {
        var options = ExtractionOptions()
        options.pdfTimeoutSeconds = 1
        options.pdfWorkerEnvironment = ["CHATBOT_PDF_WORKER_TEST": "spin"]
        let error = try await #require(throws: ChatbotError.self) {
            try await DocumentExtractor(options: options).extract(data: Data("%PDF-1.4\n".utf8), filename: "loop.pdf")
        }
        #expect(error.message.hasPrefix("loop.pdf:"))
        #expect(error.message.contains("did not finish") || error.message.contains("signal"))
    }

    @Test(
        "Several PDFs share a worker; a file that crashes it or loops fails alone, and the rest match one-by-one extraction",
        .enabled(if: Fixtures.pdfCorpus() != nil, "PDF corpus not found: set CHATBOT_CORPORA_DIR"),
        arguments: [("crash", 1), ("spin", 2)])
    func batch(hook: String, failing: Int) async throws {
        let (folder, files) = try #require(try Self.corpus())
        let urls = files.filter { !$0.encrypted }.prefix(5).map { folder.appendingPathComponent($0.path) }
        try #require(urls.count == 5)
        // Generous while nothing is meant to time out: a cold worker on a loaded two-core machine can
        // take seconds. Only the looping file below needs a short limit.
        var options = ExtractionOptions()
        options.pdfTimeoutSeconds = 30
        var single: [ExtractedDocument] = []
        for url in urls { single.append(try await DocumentExtractor(options: options).extract(fileAt: url)) }
        #expect(await DocumentExtractor(options: options).extract(filesAt: urls).map { try? $0.get() } == single)

        let sizes = try urls.map { try Data(contentsOf: $0).count }
        try #require(sizes.filter { $0 == sizes[failing] }.count == 1)
        options.pdfWorkerEnvironment = ["CHATBOT_PDF_WORKER_TEST": "\(hook)-size:\(sizes[failing])"]
        if hook == "spin" { options.pdfTimeoutSeconds = 5 }
        let results = await DocumentExtractor(options: options).extract(filesAt: urls)
        #expect(results.count == urls.count)
        for (index, result) in results.enumerated() {
            if index == failing {
                #expect(throws: ChatbotError.self) { try result.get() }
                if case .failure(let error) = result {
                    #expect(error.message.hasPrefix(urls[index].path + ":"))
                    #expect(error.message.contains("signal") || error.message.contains("did not finish"))
                }
            } else {
                #expect(try result.get() == single[index])
            }
        }
    }
}
