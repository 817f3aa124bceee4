#ifndef CHATBOT_CLIBPQ_H
#define CHATBOT_CLIBPQ_H
// The part of libpq's C API that ChatbotBackup uses to stream `COPY … TO STDOUT` the way pg_dump
// does (everything else talks to PostgreSQL through postgres-nio). libpq is not linked: it and the
// twenty libraries it pulls in (Kerberos, LDAP, GnuTLS, …) would be loaded by every chatbot command
// at start-up. The functions below are ours; the first call loads libpq.so.5 with dlopen and every
// call goes on to libpq's own function of the same name. Types and values are libpq's stable ABI
// (libpq-fe.h), declared here so that building needs no libpq headers.

#include <stddef.h>

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

typedef enum { CONNECTION_OK, CONNECTION_BAD } ConnStatusType;

typedef enum {
    PGRES_EMPTY_QUERY = 0,
    PGRES_COMMAND_OK,
    PGRES_TUPLES_OK,
    PGRES_COPY_OUT,
    PGRES_COPY_IN,
    PGRES_BAD_RESPONSE,
    PGRES_NONFATAL_ERROR,
    PGRES_FATAL_ERROR,
} ExecStatusType;

// 1 when libpq is loaded (loading it on the first call), else 0 with the reason in `error`.
int chatbot_libpq_available(char *error, size_t error_size);

PGconn *PQconnectdbParams(const char *const *keywords, const char *const *values, int expand_dbname);
ConnStatusType PQstatus(const PGconn *conn);
char *PQerrorMessage(const PGconn *conn);
void PQfinish(PGconn *conn);
PGresult *PQexec(PGconn *conn, const char *query);
ExecStatusType PQresultStatus(const PGresult *res);
char *PQresultErrorMessage(const PGresult *res);
int PQntuples(const PGresult *res);
char *PQgetvalue(const PGresult *res, int tup_num, int field_num);
int PQgetisnull(const PGresult *res, int tup_num, int field_num);
PGresult *PQgetResult(PGconn *conn);
int PQgetCopyData(PGconn *conn, char **buffer, int async);
void PQfreemem(void *ptr);
void PQclear(PGresult *res);

#endif
