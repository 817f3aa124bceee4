import CXMLShim
import ChatbotCore
public import Foundation

/// An XML document (DOCX/ODT/EPUB parts, XHTML) parsed without network access, entity substitution
/// or DTD loading. Documents that declare entities or carry a DOCTYPE internal subset are refused,
/// which rules out billion-laughs expansion and external-entity (XXE) reads.
public final class SafeXMLDocument {
    /// The root element. Names keep their case and namespace prefix (`w:p`).
    public let root: HTMLNode

    /// Parses XML bytes.
    ///
    /// - Parameters:
    ///   - data: The document.
    ///   - source: A name for the input used in error messages.
    /// - Throws: ``ChatbotError`` (runtime) naming `source` and the reason when the document is
    ///   malformed, empty, or declares entities / an internal subset.
    public init(data: Data, source: String = "input") throws {
        var status: Int32 = 0
        let root = data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> HTMLNode? in
            guard let base = buffer.baseAddress, buffer.count > 0 else {
                status = Int32(CBX_XML_EMPTY)
                return nil
            }
            guard let doc = cbx_xml_parse_safe(base.assumingMemoryBound(to: CChar.self), buffer.count, &status)
            else { return nil }
            defer { cbx_doc_free(doc) }
            guard let rootNode = cbx_doc_root(doc) else {
                status = Int32(CBX_XML_EMPTY)
                return nil
            }
            var ignored: [String] = []
            var builder = TreeBuilder(lowercaseNames: false, dropElements: false)
            return builder.build(rootNode, jsonLD: &ignored)
        }
        guard let root else {
            let reason =
                switch Int(status) {
                case Int(CBX_XML_ENTITY_DECLARED):
                    "it declares XML entities, which are refused (entity expansion and external entities are unsafe)"
                case Int(CBX_XML_INTERNAL_SUBSET):
                    "its DOCTYPE has an internal subset, which is refused (entity and DTD tricks are unsafe)"
                case Int(CBX_XML_EMPTY): "it is empty"
                default: "it is not well-formed XML"
                }
            throw ChatbotError(.runtime, "\(source): cannot read XML: \(reason)")
        }
        self.root = root
    }
}
