import ChatbotCore
import ChatbotHTML
import Foundation
import Testing

@Suite("Safe XML parsing (billion laughs and XXE guard)")
struct SafeXMLTests {
    @Test("well-formed XML with namespaces parses; names keep case and prefix")
    func parses() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
              <w:body><w:p><w:r><w:t xml:space="preserve">Hello &amp; welcome</w:t></w:r></w:p></w:body>
            </w:document>
            """
        let document = try SafeXMLDocument(data: Data(xml.utf8), source: "word/document.xml")
        #expect(document.root.name == "w:document")
        let text = try #require(document.root.firstDescendant(named: "w:t"))
        #expect(text.textContent == "Hello & welcome")
        #expect(text.attribute("xml:space") == "preserve")
    }

    @Test("a DOCTYPE without an internal subset is accepted")
    func plainDoctype() throws {
        let xml =
            #"<?xml version="1.0"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd"><html xmlns="http://www.w3.org/1999/xhtml"><body><p>ok</p></body></html>"#
        let document = try SafeXMLDocument(data: Data(xml.utf8))
        #expect(document.root.textContent == "ok")
    }

    @Test(
        "entity declarations and internal subsets are refused with the file name and the reason",
        arguments: [
            // Billion laughs.
            """
            <?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
            <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
            <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]><lolz>&lol4;</lolz>
            """,
            // External entity (XXE) reading a local file.
            """
            <?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><r>&xxe;</r>
            """,
            // Parameter entity pulling an external DTD.
            """
            <?xml version="1.0"?><!DOCTYPE r [<!ENTITY % ext SYSTEM "http://127.0.0.1:9/evil.dtd"> %ext;]><r/>
            """,
            // Internal subset without entities (attribute defaults can still inject content).
            """
            <?xml version="1.0"?><!DOCTYPE r [<!ATTLIST r a CDATA "injected">]><r/>
            """,
        ])
    func refused(xml: String) throws {
        let error = try #require(throws: ChatbotError.self) {
            try SafeXMLDocument(data: Data(xml.utf8), source: "content.xml")
        }
        #expect(error.message.hasPrefix("content.xml: cannot read XML: "))
        #expect(error.message.contains("entities") || error.message.contains("internal subset"))
        #expect(!error.message.contains("root:"))
    }

    @Test("malformed and empty documents are refused with a clear message")
    func malformed() throws {
        let broken = try #require(throws: ChatbotError.self) {
            try SafeXMLDocument(data: Data("<a><b></a>".utf8), source: "broken.xml")
        }
        #expect(broken.message == "broken.xml: cannot read XML: it is not well-formed XML")
        let empty = try #require(throws: ChatbotError.self) { try SafeXMLDocument(data: Data(), source: "e.xml") }
        #expect(empty.message == "e.xml: cannot read XML: it is empty")
    }
}
