import ChatbotCore
import ChatbotHTML
import Foundation

/// EPUB e-books: the OPF package's metadata and its spine's XHTML chapters in reading order.
struct EPUBReader {
    let zip: SafeZip
    let source: String

    func read() throws -> ExtractedDocument {
        guard let container = try zip.xml("META-INF/container.xml"),
            let opfPath = container.first("rootfile")?.attr("full-path")
        else {
            throw ChatbotError(.runtime, "\(source): the EPUB has no META-INF/container.xml rootfile")
        }
        try SafeZip.checkName(opfPath, source: source)
        guard let package = try zip.xml(opfPath) else {
            throw ChatbotError(.runtime, "\(source): the EPUB package \(opfPath) is missing")
        }
        var metadata = DocumentMetadata()
        let opfMetadata = package.first("metadata")
        metadata.title = nonEmpty(opfMetadata?.first("title")?.textContent)
        metadata.author = nonEmpty(opfMetadata?.first("creator")?.textContent)
        metadata.created = nonEmpty(opfMetadata?.first("date")?.textContent)
        var manifest: [String: String] = [:]
        for item in package.first("manifest")?.elements("item") ?? [] {
            if let id = item.attr("id"), let href = item.attr("href") {
                manifest[id] = archivePath(href.removingPercentEncodingIfPossible, relativeTo: opfPath)
            }
        }
        let spine = (package.first("spine")?.elements("itemref") ?? []).compactMap {
            $0.attr("idref").flatMap { manifest[$0] }
        }
        metadata.chapterCount = spine.count
        var builder = BlockBuilder()
        for path in spine {
            guard let chapter = try zip.xml(path) else { continue }
            builder.startUnit(DocumentLocation(chapter: path))
            HTMLBlocks.walk(chapter.first("body") ?? chapter, into: &builder)
        }
        return ExtractedDocument(format: .epub, metadata: metadata, blocks: builder.blocks)
    }
}
