#include "clibpq.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

// Every libpq function we forward; each has a definition below with libpq's signature.
#define CPQ_FUNCTIONS(X) \
    X(PQconnectdbParams) \
    X(PQstatus) \
    X(PQerrorMessage) \
    X(PQfinish) \
    X(PQexec) \
    X(PQresultStatus) \
    X(PQresultErrorMessage) \
    X(PQntuples) \
    X(PQgetvalue) \
    X(PQgetisnull) \
    X(PQgetResult) \
    X(PQgetCopyData) \
    X(PQfreemem) \
    X(PQclear)

#define CPQ_POINTER(name) __typeof__(&name) name;
static struct {
    CPQ_FUNCTIONS(CPQ_POINTER)
} libpq;
#undef CPQ_POINTER

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int loaded;
static char load_error[512];

static void load_libpq(void) {
    // RTLD_LOCAL: libpq's symbols stay out of the global namespace, where ours have its names.
    void *handle = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        snprintf(load_error, sizeof load_error, "libpq cannot be loaded: %s", dlerror());
        return;
    }
#define CPQ_RESOLVE(name)                                                                    \
    *(void **)&libpq.name = dlsym(handle, #name);                                            \
    if (!libpq.name) {                                                                       \
        snprintf(load_error, sizeof load_error, "libpq.so.5 has no %s", #name);              \
        return;                                                                              \
    }
    CPQ_FUNCTIONS(CPQ_RESOLVE)
#undef CPQ_RESOLVE
    loaded = 1;
}

int chatbot_libpq_available(char *error, size_t error_size) {
    pthread_once(&load_once, load_libpq);
    if (!loaded && error && error_size > 0) snprintf(error, error_size, "%s", load_error);
    return loaded;
}

// Callers check chatbot_libpq_available first; without libpq these answer as libpq does when it
// has no connection or result (NULL, bad status), never calling through a missing pointer.
static int ready(void) { return chatbot_libpq_available(NULL, 0); }

PGconn *PQconnectdbParams(const char *const *keywords, const char *const *values, int expand_dbname) {
    return ready() ? libpq.PQconnectdbParams(keywords, values, expand_dbname) : NULL;
}
ConnStatusType PQstatus(const PGconn *conn) { return ready() ? libpq.PQstatus(conn) : CONNECTION_BAD; }
char *PQerrorMessage(const PGconn *conn) { return ready() ? libpq.PQerrorMessage(conn) : load_error; }
void PQfinish(PGconn *conn) {
    if (ready()) libpq.PQfinish(conn);
}
PGresult *PQexec(PGconn *conn, const char *query) { return ready() ? libpq.PQexec(conn, query) : NULL; }
ExecStatusType PQresultStatus(const PGresult *res) {
    return ready() ? libpq.PQresultStatus(res) : PGRES_FATAL_ERROR;
}
char *PQresultErrorMessage(const PGresult *res) { return ready() ? libpq.PQresultErrorMessage(res) : load_error; }
int PQntuples(const PGresult *res) { return ready() ? libpq.PQntuples(res) : 0; }
char *PQgetvalue(const PGresult *res, int tup_num, int field_num) {
    return ready() ? libpq.PQgetvalue(res, tup_num, field_num) : NULL;
}
int PQgetisnull(const PGresult *res, int tup_num, int field_num) {
    return ready() ? libpq.PQgetisnull(res, tup_num, field_num) : 1;
}
PGresult *PQgetResult(PGconn *conn) { return ready() ? libpq.PQgetResult(conn) : NULL; }
int PQgetCopyData(PGconn *conn, char **buffer, int async) {
    return ready() ? libpq.PQgetCopyData(conn, buffer, async) : -2;
}
void PQfreemem(void *ptr) {
    if (ready()) libpq.PQfreemem(ptr);
}
void PQclear(PGresult *res) {
    if (ready()) libpq.PQclear(res);
}
