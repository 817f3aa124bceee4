#ifndef CHATBOT_CZLIB_SHIM_H
#define CHATBOT_CZLIB_SHIM_H
// zlib (Debian: zlib1g-dev), used by ChatbotS3 only for CRC-32 part checksums.
#include <zlib.h>
#endif
