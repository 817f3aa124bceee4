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
