#include "cxmlshim.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <limits.h>

static void cbx_silent_error(void *context, const char *message, ...) {
    (void)context;
    (void)message;
}

static void cbx_silence(void) {
    // Recoverable markup errors are the norm on the web; never print them to stderr.
    xmlSetGenericErrorFunc(NULL, cbx_silent_error);
}

void *cbx_html_parse(const char *buffer, size_t length, const char *encoding) {
    if (buffer == NULL || length == 0 || length > INT_MAX) return NULL;
    cbx_silence();
    int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET
        | HTML_PARSE_COMPACT | HTML_PARSE_NOBLANKS;
    htmlDocPtr doc = htmlReadMemory(buffer, (int)length, NULL, encoding, options);
    return doc;
}

static void cbx_refuse_entity(void *context, const xmlChar *name, int type, const xmlChar *publicId,
                              const xmlChar *systemId, xmlChar *content) {
    (void)name; (void)type; (void)publicId; (void)systemId; (void)content;
    xmlParserCtxtPtr ctxt = (xmlParserCtxtPtr)context;
    int *flag = (int *)ctxt->_private;
    if (flag != NULL) *flag = CBX_XML_ENTITY_DECLARED;
    xmlStopParser(ctxt);
}

void *cbx_xml_parse_safe(const char *buffer, size_t length, int *status) {
    int local = CBX_XML_OK;
    if (status == NULL) status = &local;
    *status = CBX_XML_OK;
    if (buffer == NULL || length == 0 || length > INT_MAX) {
        *status = CBX_XML_EMPTY;
        return NULL;
    }
    cbx_silence();
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (ctxt == NULL) {
        *status = CBX_XML_MALFORMED;
        return NULL;
    }
    int refused = CBX_XML_OK;
    ctxt->_private = &refused;
    ctxt->sax->entityDecl = cbx_refuse_entity;
    ctxt->sax->unparsedEntityDecl = NULL;
    // Never XML_PARSE_NOENT, DTDLOAD, DTDATTR, XINCLUDE or HUGE (DESIGN §6).
    int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, buffer, (int)length, NULL, NULL, options);
    int wellFormed = ctxt->wellFormed;
    xmlFreeParserCtxt(ctxt);
    if (refused != CBX_XML_OK) {
        if (doc != NULL) xmlFreeDoc(doc);
        *status = refused;
        return NULL;
    }
    if (doc == NULL || !wellFormed) {
        if (doc != NULL) xmlFreeDoc(doc);
        *status = CBX_XML_MALFORMED;
        return NULL;
    }
    if (doc->intSubset != NULL && doc->intSubset->children != NULL) {
        xmlFreeDoc(doc);
        *status = CBX_XML_INTERNAL_SUBSET;
        return NULL;
    }
    return doc;
}

void cbx_doc_free(void *doc) {
    if (doc != NULL) xmlFreeDoc((xmlDocPtr)doc);
}

void *cbx_doc_root(void *doc) {
    if (doc == NULL) return NULL;
    return xmlDocGetRootElement((xmlDocPtr)doc);
}

int cbx_node_kind(const void *node) {
    switch (((const xmlNode *)node)->type) {
    case XML_ELEMENT_NODE: return CBX_NODE_ELEMENT;
    case XML_TEXT_NODE: return CBX_NODE_TEXT;
    case XML_COMMENT_NODE: return CBX_NODE_COMMENT;
    case XML_CDATA_SECTION_NODE: return CBX_NODE_CDATA;
    default: return CBX_NODE_OTHER;
    }
}

const char *cbx_node_name(const void *node) {
    const xmlNode *n = (const xmlNode *)node;
    if (n->type != XML_ELEMENT_NODE || n->name == NULL) return NULL;
    return (const char *)n->name;
}

const char *cbx_node_text(const void *node) {
    const xmlNode *n = (const xmlNode *)node;
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE || n->type == XML_COMMENT_NODE)
        return (const char *)n->content;
    return NULL;
}

void *cbx_node_first_child(const void *node) {
    const xmlNode *n = (const xmlNode *)node;
    if (n->type != XML_ELEMENT_NODE) return NULL;
    return n->children;
}

void *cbx_node_next(const void *node) { return ((const xmlNode *)node)->next; }

void *cbx_node_first_attribute(const void *node) {
    const xmlNode *n = (const xmlNode *)node;
    if (n->type != XML_ELEMENT_NODE) return NULL;
    return n->properties;
}

void *cbx_attribute_next(const void *attribute) { return ((const xmlAttr *)attribute)->next; }

const char *cbx_attribute_name(const void *attribute) {
    return (const char *)((const xmlAttr *)attribute)->name;
}

char *cbx_attribute_value(const void *attribute) {
    const xmlAttr *a = (const xmlAttr *)attribute;
    // Entity references are never expanded here (no NOENT); the text children are concatenated.
    return (char *)xmlNodeListGetString(a->doc, a->children, 1);
}

const char *cbx_attribute_text(const void *attribute, int *simple) {
    const xmlAttr *a = (const xmlAttr *)attribute;
    const xmlNode *child = a->children;
    *simple = 0;
    if (child == NULL) {
        *simple = 1;
        return NULL;
    }
    if (child->next == NULL && child->type == XML_TEXT_NODE && child->content != NULL) {
        *simple = 1;
        return (const char *)child->content;
    }
    return NULL;
}

const char *cbx_attribute_prefix(const void *attribute) {
    const xmlAttr *a = (const xmlAttr *)attribute;
    return a->ns != NULL ? (const char *)a->ns->prefix : NULL;
}

const char *cbx_node_prefix(const void *node) {
    const xmlNode *n = (const xmlNode *)node;
    return n->ns != NULL ? (const char *)n->ns->prefix : NULL;
}

void cbx_free(char *string) {
    if (string != NULL) xmlFree(string);
}

int cbx_encoding_supported(const char *name) {
    if (name == NULL) return 0;
    xmlCharEncodingHandlerPtr handler = xmlFindCharEncodingHandler(name);
    if (handler == NULL) return 0;
    xmlCharEncCloseFunc(handler);
    return 1;
}

// MARK: HTML parsing into events
//
// libxml2's HTML parser reports SAX events; its default handler builds an xmlDoc from them. The
// handler below records, instead, the events of the tree that default handler would build below
// the root element, and reproduces the few tree-dependent rules: text coalescing, the
// whitespace-only text that HTML_PARSE_NOBLANKS drops (areBlanks in HTMLparser.c), elements that
// start after the root element closed, and the 256-level depth limit.

#include <libxml/HTMLtree.h>
#include <stdlib.h>
#include <string.h>

enum { CBX_LAST_NONE = 0, CBX_LAST_TEXT = 1, CBX_LAST_ELEMENT = 2, CBX_LAST_OTHER = 3 };

typedef struct {
    const xmlChar *name;
    int is_root;
    int ignored;
    int last_kind;            // last child that is not a comment
    const xmlChar *last_name; // its name when it is an element
    long mergeable_text;      // event index of a last child text (-1: none), for coalescing
} cbx_frame;

typedef struct {
    cbx_event *events;
    long event_count, event_capacity;
    cbx_attribute *attributes;
    long attribute_count, attribute_capacity;
    char *text;
    long text_length, text_capacity;
    cbx_frame *frames;
    long depth, frame_capacity;
    int root_seen;
    int root_first_child; // the document's first child is the root element (no DOCTYPE, comment, PI before it)
    int doctype_seen;
    int strict_doctype;   // DOCTYPE HTML 4.01 / HTML 4 strict: blanks directly in <body> are dropped
    int ignore_depth;     // > 0 inside an element that is not below the root
    int failed;
    htmlParserCtxtPtr ctxt;
} cbx_sax_state;

static int cbx_grow(void **buffer, long *capacity, long needed, size_t item) {
    if (needed <= *capacity) return 1;
    long next = *capacity > 0 ? *capacity : 256;
    while (next < needed) next *= 2;
    void *grown = realloc(*buffer, (size_t)next * item);
    if (grown == NULL) return 0;
    *buffer = grown;
    *capacity = next;
    return 1;
}

static long cbx_add_text(cbx_sax_state *state, const xmlChar *bytes, long length) {
    if (!cbx_grow((void **)&state->text, &state->text_capacity, state->text_length + length + 1, 1)) {
        state->failed = 1;
        return -1;
    }
    long start = state->text_length;
    if (length > 0) memcpy(state->text + start, bytes, (size_t)length);
    state->text_length += length;
    state->text[state->text_length] = 0;
    return start;
}

static cbx_event *cbx_add_event(cbx_sax_state *state, int kind) {
    if (!cbx_grow((void **)&state->events, &state->event_capacity, state->event_count + 1, sizeof(cbx_event))) {
        state->failed = 1;
        return NULL;
    }
    cbx_event *event = &state->events[state->event_count++];
    memset(event, 0, sizeof(*event));
    event->kind = kind;
    return event;
}

static const char *const cbx_allow_pcdata[] = {
    "a", "abbr", "acronym", "address", "applet", "b", "bdo", "big", "blockquote", "body", "button", "caption",
    "center", "cite", "code", "dd", "del", "dfn", "div", "dt", "em", "font", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "i", "iframe", "ins", "kbd", "label", "legend", "li", "noframes", "noscript", "object", "p", "pre", "q",
    "s", "samp", "small", "span", "strike", "strong", "td", "th", "tt", "u", "var",
};

static int cbx_allows_pcdata(const xmlChar *name) {
    if (name == NULL) return 0;
    for (size_t i = 0; i < sizeof(cbx_allow_pcdata) / sizeof(cbx_allow_pcdata[0]); i++) {
        if (xmlStrEqual(name, BAD_CAST cbx_allow_pcdata[i])) return 1;
    }
    return 0;
}

/// The local part of an element name as the tree stores it (xmlSplitQName: after the first ':'
/// when the name does not start with one).
static const xmlChar *cbx_local_name(const xmlChar *name) {
    if (name == NULL || name[0] == ':') return name;
    const xmlChar *colon = xmlStrchr(name, ':');
    return colon != NULL && colon[1] != 0 ? colon + 1 : name;
}

/// areBlanks of HTMLparser.c, on the emulated tree: whether whitespace-only text is dropped.
static int cbx_are_blanks(cbx_sax_state *state, const xmlChar *text, int length) {
    htmlParserCtxtPtr ctxt = state->ctxt;
    for (int i = 0; i < length; i++) {
        if (!IS_BLANK_CH(text[i])) return 0;
    }
    const xmlChar *cur = ctxt->input != NULL ? ctxt->input->cur : NULL;
    if (cur == NULL || *cur == 0) return 1;
    if (*cur != '<') return 0;
    if (ctxt->name == NULL) return 1;
    if (xmlStrEqual(ctxt->name, BAD_CAST "html")) return 1;
    if (xmlStrEqual(ctxt->name, BAD_CAST "head")) return 1;
    if (xmlStrEqual(ctxt->name, BAD_CAST "body") && state->strict_doctype) return 1;
    if (state->depth == 0) return 0;
    cbx_frame *frame = &state->frames[state->depth - 1];
    if (frame->last_kind == CBX_LAST_NONE) {
        if (cbx_allows_pcdata(ctxt->name)) return 0;
    } else if (frame->last_kind == CBX_LAST_TEXT) {
        return 0;
    } else if (frame->last_kind == CBX_LAST_ELEMENT) {
        if (cbx_allows_pcdata(cbx_local_name(frame->last_name))) return 0;
    }
    return 1;
}

static void cbx_sax_start(void *context, const xmlChar *name, const xmlChar **attributes) {
    cbx_sax_state *state = (cbx_sax_state *)context;
    if (state->failed) return;
    // nodePush refuses a node when more than 256 are open (no HTML_PARSE_HUGE) and halts the parser.
    if (state->depth > 256) {
        xmlStopParser(state->ctxt);
        return;
    }
    if (!cbx_grow((void **)&state->frames, &state->frame_capacity, state->depth + 1, sizeof(cbx_frame))) {
        state->failed = 1;
        xmlStopParser(state->ctxt);
        return;
    }
    int ignored = 0;
    int is_root = 0;
    if (state->depth == 0) {
        if (!state->root_seen) {
            state->root_seen = 1;
            is_root = 1;
        } else if (!state->root_first_child) {
            // xmlSAX2StartElement links it after the document's first child: outside the root.
            ignored = 1;
        }
        // Otherwise it becomes the root element's last child.
    } else {
        ignored = state->frames[state->depth - 1].ignored;
        cbx_frame *parent = &state->frames[state->depth - 1];
        parent->last_kind = CBX_LAST_ELEMENT;
        parent->last_name = name;
        parent->mergeable_text = -1;
    }
    cbx_frame *frame = &state->frames[state->depth++];
    frame->name = name;
    frame->is_root = is_root;
    frame->ignored = ignored;
    frame->last_kind = CBX_LAST_NONE;
    frame->last_name = NULL;
    frame->mergeable_text = -1;
    if (ignored) return;
    long first_attribute = state->attribute_count;
    int count = 0;
    if (attributes != NULL) {
        for (int i = 0; attributes[i] != NULL; i += 2) {
            const xmlChar *value = attributes[i + 1];
            // xmlSAX2AttributeInternal gives boolean attributes without a value their name.
            if (value == NULL && htmlIsBooleanAttr(attributes[i])) value = attributes[i];
            if (!cbx_grow((void **)&state->attributes, &state->attribute_capacity, state->attribute_count + 1,
                          sizeof(cbx_attribute))) {
                state->failed = 1;
                return;
            }
            cbx_attribute *attribute = &state->attributes[state->attribute_count++];
            attribute->name = (const char *)attributes[i];
            attribute->value_length = value != NULL ? (long)xmlStrlen(value) : 0;
            attribute->value_start = cbx_add_text(state, value, attribute->value_length);
            count++;
        }
    }
    cbx_event *event = cbx_add_event(state, CBX_EVENT_START);
    if (event == NULL) return;
    event->name = (const char *)name;
    event->attribute_start = first_attribute;
    event->attribute_count = count;
}

static void cbx_sax_end(void *context, const xmlChar *name) {
    (void)name;
    cbx_sax_state *state = (cbx_sax_state *)context;
    if (state->depth == 0) return;
    cbx_frame *frame = &state->frames[--state->depth];
    if (frame->ignored || frame->is_root || state->failed) return;
    cbx_add_event(state, CBX_EVENT_END);
}

static void cbx_sax_text(cbx_sax_state *state, const xmlChar *text, int length, int kind) {
    if (state->failed || state->depth == 0) return; // xmlSAX2Characters ignores text outside elements
    cbx_frame *frame = &state->frames[state->depth - 1];
    if (frame->ignored) return;
    if (frame->mergeable_text >= 0 && state->events[frame->mergeable_text].kind == kind
        && frame->mergeable_text == state->event_count - 1)
    {
        cbx_add_text(state, text, length);
        state->events[frame->mergeable_text].text_length += length;
        return;
    }
    long start = cbx_add_text(state, text, length);
    cbx_event *event = cbx_add_event(state, kind);
    if (event == NULL) return;
    event->text_start = start;
    event->text_length = length;
    frame->mergeable_text = state->event_count - 1;
    frame->last_kind = kind == CBX_EVENT_TEXT ? CBX_LAST_TEXT : CBX_LAST_OTHER;
}

static void cbx_sax_characters(void *context, const xmlChar *text, int length) {
    cbx_sax_state *state = (cbx_sax_state *)context;
    if (cbx_are_blanks(state, text, length)) return; // HTML_PARSE_NOBLANKS
    cbx_sax_text(state, text, length, CBX_EVENT_TEXT);
}

static void cbx_sax_cdata(void *context, const xmlChar *text, int length) {
    cbx_sax_text((cbx_sax_state *)context, text, length, CBX_EVENT_CDATA);
}

static void cbx_sax_other(cbx_sax_state *state, int comment) {
    if (state->depth == 0) {
        if (!state->root_seen) state->root_first_child = 0;
        return;
    }
    cbx_frame *frame = &state->frames[state->depth - 1];
    frame->mergeable_text = -1;
    if (!comment) {
        frame->last_kind = CBX_LAST_OTHER;
        frame->last_name = NULL;
    }
}

static void cbx_sax_comment(void *context, const xmlChar *value) {
    (void)value;
    cbx_sax_other((cbx_sax_state *)context, 1);
}

static void cbx_sax_pi(void *context, const xmlChar *target, const xmlChar *data) {
    (void)target;
    (void)data;
    cbx_sax_other((cbx_sax_state *)context, 0);
}

static void cbx_sax_doctype(void *context, const xmlChar *name, const xmlChar *external, const xmlChar *system) {
    (void)name;
    (void)system;
    cbx_sax_state *state = (cbx_sax_state *)context;
    if (state->doctype_seen) return; // xmlSAX2InternalSubset keeps the first one in HTML
    state->doctype_seen = 1;
    state->root_first_child = 0; // the DTD node becomes the document's first child
    if (external != NULL
        && (!xmlStrcasecmp(external, BAD_CAST "-//W3C//DTD HTML 4.01//EN")
            || !xmlStrcasecmp(external, BAD_CAST "-//W3C//DTD HTML 4//EN")))
        state->strict_doctype = 1;
}

int cbx_html_parse_events(const char *buffer, size_t length, const char *encoding, cbx_html_events *out) {
    memset(out, 0, sizeof(*out));
    if (buffer == NULL || length == 0 || length > INT_MAX) return -1;
    cbx_silence();
    xmlInitParser();
    htmlParserCtxtPtr ctxt = htmlCreateMemoryParserCtxt(buffer, (int)length);
    if (ctxt == NULL) return -1;
    cbx_sax_state *state = calloc(1, sizeof(cbx_sax_state));
    if (state == NULL) {
        htmlFreeParserCtxt(ctxt);
        return -1;
    }
    state->ctxt = ctxt;
    state->root_first_child = 1;
    // The options of cbx_html_parse except NOBLANKS, whose effect cbx_are_blanks reproduces.
    int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET
        | HTML_PARSE_COMPACT;
    htmlCtxtUseOptions(ctxt, options);
    htmlSAXHandlerPtr sax = (htmlSAXHandlerPtr)ctxt->sax;
    memset(sax, 0, sizeof(*sax));
    sax->initialized = 1;
    sax->startElement = cbx_sax_start;
    sax->endElement = cbx_sax_end;
    sax->characters = cbx_sax_characters;
    sax->ignorableWhitespace = cbx_sax_characters;
    sax->cdataBlock = cbx_sax_cdata;
    sax->comment = cbx_sax_comment;
    sax->processingInstruction = cbx_sax_pi;
    sax->internalSubset = cbx_sax_doctype;
    ctxt->userData = state;
    ctxt->html = 1;
    if (encoding != NULL) {
        xmlCharEncodingHandlerPtr handler = xmlFindCharEncodingHandler(encoding);
        if (handler != NULL) {
            xmlSwitchToEncoding(ctxt, handler);
            if (ctxt->input->encoding != NULL) xmlFree((xmlChar *)ctxt->input->encoding);
            ctxt->input->encoding = xmlStrdup((const xmlChar *)encoding);
        }
    }
    htmlParseDocument(ctxt);
    if (state->failed || !state->root_seen) {
        free(state->events);
        free(state->attributes);
        free(state->text);
        free(state->frames);
        free(state);
        htmlFreeParserCtxt(ctxt);
        return -1;
    }
    out->events = state->events;
    out->event_count = state->event_count;
    out->attributes = state->attributes;
    out->text = state->text != NULL ? state->text : "";
    out->state = state;
    return 0;
}

void cbx_html_events_free(cbx_html_events *events) {
    if (events == NULL || events->state == NULL) return;
    cbx_sax_state *state = (cbx_sax_state *)events->state;
    free(state->events);
    free(state->attributes);
    free(state->text);
    free(state->frames);
    htmlFreeParserCtxt(state->ctxt); // owns the dictionary the names point into
    free(state);
    memset(events, 0, sizeof(*events));
}
