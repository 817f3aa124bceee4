public import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A small XML element tree, enough for S3's responses (`ListBucketResult`, `Error`,
/// `InitiateMultipartUploadResult`, `CompleteMultipartUploadResult`). Namespaces are ignored.
public struct S3XMLElement: Sendable, Hashable {
    /// The element's local name.
    public var name: String
    /// The concatenated character data directly inside the element.
    public var text: String
    /// Child elements in document order.
    public var children: [S3XMLElement]

    /// Creates an element.
    public init(name: String, text: String = "", children: [S3XMLElement] = []) {
        self.name = name
        self.text = text
        self.children = children
    }

    /// The root element of `bytes`, or `nil` when they are not well-formed XML.
    public static func parse(_ bytes: some Collection<UInt8>) -> S3XMLElement? {
        guard !bytes.isEmpty else { return nil }
        let parser = XMLParser(data: Data(bytes))
        let builder = TreeBuilder()
        parser.delegate = builder
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        guard parser.parse() else { return nil }
        return builder.root
    }

    /// The first child named `name`.
    public func child(_ name: String) -> S3XMLElement? {
        children.first { $0.name == name }
    }

    /// Every child named `name`.
    public func children(named name: String) -> [S3XMLElement] {
        children.filter { $0.name == name }
    }

    /// The text of the first child named `name`.
    public func text(of name: String) -> String? {
        child(name)?.text
    }

    /// Builds the tree from parser events (used synchronously inside ``parse(_:)`` only).
    private final class TreeBuilder: NSObject, XMLParserDelegate {
        var stack: [S3XMLElement] = []
        var root: S3XMLElement?

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
            qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
        ) {
            stack.append(S3XMLElement(name: elementName))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += string
        }

        func parser(
            _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
            qualifiedName qName: String?
        ) {
            guard let element = stack.popLast() else { return }
            if stack.isEmpty {
                root = element
            } else {
                stack[stack.count - 1].children.append(element)
            }
        }
    }
}
