// chatbot-pdf-worker: extracts the text of one PDF with poppler-glib, in a child process of
// ChatbotDocuments, so that a crash or a loop in the parser cannot take down the caller.
//
// Usage: chatbot-pdf-worker FILE [CPU_SECONDS ADDRESS_SPACE_BYTES]
//        chatbot-pdf-worker --batch CPU_SECONDS ADDRESS_SPACE_BYTES FILE...
// Password: environment variable CHATBOT_PDF_PASSWORD (kept off the command line).
// Output (stdout), one JSON object a line:
//   {"type":"meta","pages":N,"title":...,"author":...,"created":...,"modified":...}
//   {"type":"page","page":1,"text":"..."}            one per page
//   {"type":"error","code":"encrypted|corrupt|io","message":"..."}   instead, on failure
//   {"type":"end"}
// With --batch, each file's lines follow {"type":"file","index":I} (I from 0), and each file gets
// CPU_SECONDS of CPU time of its own (the soft RLIMIT_CPU is moved up before each file), so one
// worker start serves many files; the caller restarts the batch after a file that killed it.
// Test hooks: CHATBOT_PDF_WORKER_TEST=crash aborts, =spin loops forever (before parsing);
// with --batch, =crash-size:N and =spin-size:N do the same when a file of N bytes starts.

#include <errno.h>
#include <glib.h>
#include <poppler.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
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

// Extracts one file; returns 0 on success, 1 after printing an error line.
static int cbp_extract(const char *path, const char *password) {
    GError *error = NULL;
    gchar *uri = g_filename_to_uri(path, NULL, &error);
    if (uri == NULL) {
        cbp_error("io", error ? error->message : "cannot make a URI of the path");
        if (error) g_error_free(error);
        return 1;
    }
    PopplerDocument *document = poppler_document_new_from_file(uri, password, &error);
    g_free(uri);
    if (document == NULL) {
        int encrypted = error && error->domain == POPPLER_ERROR && error->code == POPPLER_ERROR_ENCRYPTED;
        cbp_error(encrypted ? "encrypted" : "corrupt", error ? error->message : "cannot open the PDF");
        if (error) g_error_free(error);
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

// CPU seconds used by this process so far (user + system), rounded up.
static rlim_t cbp_cpu_used(void) {
    struct rusage usage;
    if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
    return (rlim_t)(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + 1);
}

static void cbp_test_hooks(void) {
    const char *test = getenv("CHATBOT_PDF_WORKER_TEST");
    if (test && strcmp(test, "crash") == 0) abort();
    if (test && strcmp(test, "spin") == 0) {
        volatile unsigned long counter = 0;
        for (;;) counter++;
    }
}

// Batch test hooks: CHATBOT_PDF_WORKER_TEST=crash-size:N aborts, =spin-size:N loops, when a file
// of N bytes starts.
static void cbp_file_hooks(const char *path) {
    const char *test = getenv("CHATBOT_PDF_WORKER_TEST");
    if (test == NULL) return;
    struct stat info;
    if (stat(path, &info) != 0) return;
    long long size = (long long)info.st_size;
    if (strncmp(test, "crash-size:", 11) == 0 && atoll(test + 11) == size) abort();
    if (strncmp(test, "spin-size:", 10) == 0 && atoll(test + 10) == size) {
        volatile unsigned long counter = 0;
        for (;;) counter++;
    }
}

int main(int argc, char **argv) {
    const char *password = getenv("CHATBOT_PDF_PASSWORD");
    if (argc >= 2 && strcmp(argv[1], "--batch") == 0) {
        if (argc < 5) {
            cbp_error("usage", "usage: chatbot-pdf-worker --batch CPU_SECONDS ADDRESS_SPACE_BYTES FILE...");
            return 64;
        }
        rlim_t budget = (rlim_t)strtoull(argv[2], NULL, 10);
        cbp_limit(RLIMIT_AS, (rlim_t)strtoull(argv[3], NULL, 10));
        cbp_limit(RLIMIT_CORE, 0);
        // The hard CPU limit is left alone so the soft one can move up file by file.
        cbp_test_hooks();
        for (int index = 4; index < argc; index++) {
            struct rlimit cpu;
            if (getrlimit(RLIMIT_CPU, &cpu) == 0) {
                rlim_t soft = cbp_cpu_used() + budget;
                cpu.rlim_cur = (cpu.rlim_max != RLIM_INFINITY && soft > cpu.rlim_max) ? cpu.rlim_max : soft;
                setrlimit(RLIMIT_CPU, &cpu);
            }
            printf("{\"type\":\"file\",\"index\":%d}\n", index - 4);
            fflush(stdout);
            cbp_file_hooks(argv[index]);
            cbp_extract(argv[index], password);
            fflush(stdout);
        }
        return 0;
    }
    if (argc < 2) {
        cbp_error("usage", "usage: chatbot-pdf-worker FILE [CPU_SECONDS ADDRESS_SPACE_BYTES]");
        return 64;
    }
    if (argc >= 4) {
        cbp_limit(RLIMIT_CPU, (rlim_t)strtoull(argv[2], NULL, 10));
        cbp_limit(RLIMIT_AS, (rlim_t)strtoull(argv[3], NULL, 10));
    }
    cbp_limit(RLIMIT_CORE, 0);
    cbp_test_hooks();
    return cbp_extract(argv[1], password);
}
