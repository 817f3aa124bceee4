#ifndef CHATBOT_CWEBDECODE_H
#define CHATBOT_CWEBDECODE_H
// Streaming decoders for HTTP content codings (gzip, deflate, br) over zlib and libbrotli
// (Debian: zlib1g-dev, libbrotli-dev). Plain C functions with an opaque handle so no zlib or
// brotli type reaches Swift; used only inside ChatbotWeb.
#include <stddef.h>
#include <stdint.h>

/// gzip or zlib-wrapped data (the header is detected).
#define CHATBOT_WEBDECODE_GZIP 1
/// HTTP "deflate": zlib-wrapped, or raw deflate as some servers send it.
#define CHATBOT_WEBDECODE_DEFLATE 2
/// Brotli (RFC 7932).
#define CHATBOT_WEBDECODE_BROTLI 3

/// More input is needed (or more output space).
#define CHATBOT_WEBDECODE_OK 0
/// The compressed stream ended.
#define CHATBOT_WEBDECODE_END 1
/// The data is corrupt.
#define CHATBOT_WEBDECODE_ERROR (-1)

typedef struct chatbot_webdecoder chatbot_webdecoder;

/// A new decoder of `kind`, or NULL when out of memory or `kind` is unknown.
chatbot_webdecoder *chatbot_webdecoder_new(int kind);

/// Decodes from `input` into `output`: sets `*consumed` and `*produced` and returns one of the
/// CHATBOT_WEBDECODE_ codes. Call again with the rest of the input while output fills up.
int chatbot_webdecoder_run(chatbot_webdecoder *decoder, const uint8_t *input, size_t input_length,
                           size_t *consumed, uint8_t *output, size_t output_capacity, size_t *produced);

/// Frees the decoder (NULL is fine).
void chatbot_webdecoder_free(chatbot_webdecoder *decoder);

#endif
