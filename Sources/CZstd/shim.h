#ifndef CHATBOT_CZSTD_SHIM_H
#define CHATBOT_CZSTD_SHIM_H
// The streaming API of libzstd (Debian: libzstd-dev), used only inside ChatbotBackup.
#include <zstd.h>
#endif
