#ifndef CHATBOT_CXMLSHIM_H
#define CHATBOT_CXMLSHIM_H
// Plain C over libxml2 for ChatbotHTML. No libxml2 type appears here: documents and nodes are
// opaque pointers, so Swift never imports libxml2's (ICU-dependent) headers.
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Node kinds returned by cbx_node_kind.
enum {
    CBX_NODE_OTHER = 0,
    CBX_NODE_ELEMENT = 1,
    CBX_NODE_TEXT = 2,
    CBX_NODE_COMMENT = 3,
    CBX_NODE_CDATA = 4,
};

/// Result codes of cbx_xml_parse_safe.
enum {
    CBX_XML_OK = 0,
    CBX_XML_MALFORMED = 1,
    CBX_XML_ENTITY_DECLARED = 2,
    CBX_XML_INTERNAL_SUBSET = 3,
    CBX_XML_EMPTY = 4,
};

/// Parses HTML from a buffer, recovering from errors, never touching the network.
/// `encoding` is an IANA charset name or NULL. Returns NULL when nothing could be parsed.
void *cbx_html_parse(const char *buffer, size_t length, const char *encoding);

/// Event kinds of cbx_html_events.
enum {
    CBX_EVENT_START = 1,
    CBX_EVENT_END = 2,
    CBX_EVENT_TEXT = 3,
    CBX_EVENT_CDATA = 4,
};

/// One event of the document tree libxml2's HTML parser would build: an element starts (with
/// attributes), ends, or holds a run of (already coalesced) text or CDATA.
typedef struct {
    int kind;
    int attribute_count;
    long attribute_start;
    long text_start;
    long text_length;
    /// The element's name, lower-cased by the parser; owned by the parser (see cbx_html_events_free).
    const char *name;
} cbx_event;

/// One attribute of a CBX_EVENT_START: the name (owned by the parser) and the value's bytes in
/// the text buffer (value_length is 0 for an attribute without a value).
typedef struct {
    const char *name;
    long value_start;
    long value_length;
} cbx_attribute;

/// The events of one parsed HTML document.
typedef struct {
    const cbx_event *events;
    long event_count;
    const cbx_attribute *attributes;
    const char *text;
    void *state;
} cbx_html_events;

/// Parses HTML like cbx_html_parse but reports, as a flat list of events, exactly the element
/// tree below the root element that cbx_html_parse would build, without building it. Returns 0
/// and fills *out (free with cbx_html_events_free), or -1 when nothing could be parsed.
int cbx_html_parse_events(const char *buffer, size_t length, const char *encoding, cbx_html_events *out);

/// Frees what cbx_html_parse_events allocated.
void cbx_html_events_free(cbx_html_events *events);

/// Parses XML from a buffer without network access, entity substitution or DTD loading; refuses
/// documents that declare entities or carry a DOCTYPE internal subset (billion laughs, XXE).
/// Returns NULL and sets *status when refused or malformed.
void *cbx_xml_parse_safe(const char *buffer, size_t length, int *status);

/// Frees a document from cbx_html_parse or cbx_xml_parse_safe.
void cbx_doc_free(void *doc);

/// The root element of a document, or NULL.
void *cbx_doc_root(void *doc);

/// The kind of a node (CBX_NODE_*).
int cbx_node_kind(const void *node);
/// The node's name (elements), or NULL. Owned by the document.
const char *cbx_node_name(const void *node);
/// The text of a text, CDATA or comment node, or NULL. Owned by the document.
const char *cbx_node_text(const void *node);
/// The first child node, or NULL.
void *cbx_node_first_child(const void *node);
/// The next sibling node, or NULL.
void *cbx_node_next(const void *node);
/// The first attribute of an element, or NULL.
void *cbx_node_first_attribute(const void *node);
/// The next attribute, or NULL.
void *cbx_attribute_next(const void *attribute);
/// The attribute's name. Owned by the document.
const char *cbx_attribute_name(const void *attribute);
/// The attribute's value, newly allocated (free with cbx_free), or NULL.
char *cbx_attribute_value(const void *attribute);
/// The attribute's value when it is a single text node (owned by the document), else NULL (then
/// use cbx_attribute_value). *simple is set to 1 when the returned pointer is the whole value.
const char *cbx_attribute_text(const void *attribute, int *simple);
/// The attribute's namespace prefix, or NULL.
const char *cbx_attribute_prefix(const void *attribute);
/// The element's namespace prefix, or NULL.
const char *cbx_node_prefix(const void *node);
/// 1 when libxml2 (through iconv) can decode the named charset, else 0.
int cbx_encoding_supported(const char *name);
/// Frees a string returned by this shim.
void cbx_free(char *string);

#ifdef __cplusplus
}
#endif
#endif
