#ifndef CHATBOT_CLIBPQ_SHIM_H
#define CHATBOT_CLIBPQ_SHIM_H
// libpq (Debian: libpq-dev), used only by ChatbotBackup to stream `COPY … TO STDOUT` the way
// pg_dump does. Everything else talks to PostgreSQL through postgres-nio.
#include <libpq-fe.h>
#endif
