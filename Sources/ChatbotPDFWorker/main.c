// chatbot-pdf-worker: extracts the text of one PDF with poppler-glib, in a child process of
// ChatbotDocuments, so that a crash or a loop in the parser cannot take down the caller.
//
// Usage: chatbot-pdf-worker FILE [CPU_SECONDS ADDRESS_SPACE_BYTES]
// Password: environment variable CHATBOT_PDF_PASSWORD (kept off the command line).
// Output (stdout), one JSON object a line:
//   {"type":"meta","pages":N,"title":...,"author":...,"created":...,"modified":...}
//   {"type":"page","page":1,"text":"..."}            one per page
//   {"type":"error","code":"encrypted|corrupt|io","message":"..."}   instead, on failure
//   {"type":"end"}
// Test hook: CHATBOT_PDF_WORKER_TEST=crash aborts, =spin loops forever (before parsing).

#include <errno.h>
#include <glib.h>
#include <poppler.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static void cbp_json_string(FILE *out, const char *text) {
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (*p < 0x20) {
                fprintf(out, "\\u%04x", *p);
            } else {
                fputc(*p, out);
            }
        }
    }
    fputc('"', out);
}

static void cbp_error(const char *code, const char *message) {
    fputs("{\"type\":\"error\",\"code\":", stdout);
    cbp_json_string(stdout, code);
    fputs(",\"message\":", stdout);
    cbp_json_string(stdout, message);
    fputs("}\n", stdout);
    fflush(stdout);
}

static void cbp_date_field(const char *name, time_t value) {
    if (value <= 0) return;
    struct tm parts;
    char buffer[32];
    if (gmtime_r(&value, &parts) == NULL) return;
    strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &parts);
    printf(",\"%s\":", name);
    cbp_json_string(stdout, buffer);
}

static void cbp_limit(int resource, rlim_t value) {
    struct rlimit limit = {value, value};
    setrlimit(resource, &limit);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        cbp_error("usage", "usage: chatbot-pdf-worker FILE [CPU_SECONDS ADDRESS_SPACE_BYTES]");
        return 64;
    }
    if (argc >= 4) {
        cbp_limit(RLIMIT_CPU, (rlim_t)strtoull(argv[2], NULL, 10));
        cbp_limit(RLIMIT_AS, (rlim_t)strtoull(argv[3], NULL, 10));
    }
    cbp_limit(RLIMIT_CORE, 0);
    const char *test = getenv("CHATBOT_PDF_WORKER_TEST");
    if (test && strcmp(test, "crash") == 0) abort();
    if (test && strcmp(test, "spin") == 0) {
        volatile unsigned long counter = 0;
        for (;;) counter++;
    }

    GError *error = NULL;
    gchar *uri = g_filename_to_uri(argv[1], NULL, &error);
    if (uri == NULL) {
        cbp_error("io", error ? error->message : "cannot make a URI of the path");
        return 1;
    }
    const char *password = getenv("CHATBOT_PDF_PASSWORD");
    PopplerDocument *document = poppler_document_new_from_file(uri, password, &error);
    g_free(uri);
    if (document == NULL) {
        int encrypted = error && error->domain == POPPLER_ERROR && error->code == POPPLER_ERROR_ENCRYPTED;
        cbp_error(encrypted ? "encrypted" : "corrupt", error ? error->message : "cannot open the PDF");
        return 1;
    }
    int pages = poppler_document_get_n_pages(document);
    gchar *title = poppler_document_get_title(document);
    gchar *author = poppler_document_get_author(document);
    printf("{\"type\":\"meta\",\"pages\":%d", pages);
    if (title) {
        fputs(",\"title\":", stdout);
        cbp_json_string(stdout, title);
    }
    if (author) {
        fputs(",\"author\":", stdout);
        cbp_json_string(stdout, author);
    }
    cbp_date_field("created", poppler_document_get_creation_date(document));
    cbp_date_field("modified", poppler_document_get_modification_date(document));
    fputs("}\n", stdout);
    g_free(title);
    g_free(author);
    for (int index = 0; index < pages; index++) {
        PopplerPage *page = poppler_document_get_page(document, index);
        char *text = page ? poppler_page_get_text(page) : NULL;
        printf("{\"type\":\"page\",\"page\":%d,\"text\":", index + 1);
        cbp_json_string(stdout, text);
        fputs("}\n", stdout);
        g_free(text);
        if (page) g_object_unref(page);
    }
    fputs("{\"type\":\"end\"}\n", stdout);
    fflush(stdout);
    g_object_unref(document);
    return 0;
}
