#include "cwebdecode.h"

#include <brotli/decode.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct chatbot_webdecoder {
    int kind;
    int started;       // any output produced or input accepted without error
    int raw_fallback;  // deflate switched to raw after a zlib header error
    z_stream zs;
    BrotliDecoderState *brotli;
};

static int chatbot_zlib_init(chatbot_webdecoder *d, int window_bits) {
    memset(&d->zs, 0, sizeof(d->zs));
    return inflateInit2(&d->zs, window_bits) == Z_OK;
}

chatbot_webdecoder *chatbot_webdecoder_new(int kind) {
    chatbot_webdecoder *d = calloc(1, sizeof(*d));
    if (d == NULL) return NULL;
    d->kind = kind;
    switch (kind) {
    case CHATBOT_WEBDECODE_GZIP:
    case CHATBOT_WEBDECODE_DEFLATE:
        // 15 + 32: a 32 KiB window, gzip or zlib header detected automatically.
        if (!chatbot_zlib_init(d, 15 + 32)) { free(d); return NULL; }
        return d;
    case CHATBOT_WEBDECODE_BROTLI:
        d->brotli = BrotliDecoderCreateInstance(NULL, NULL, NULL);
        if (d->brotli == NULL) { free(d); return NULL; }
        return d;
    default:
        free(d);
        return NULL;
    }
}

static int chatbot_run_zlib(chatbot_webdecoder *d, const uint8_t *input, size_t input_length, size_t *consumed,
                            uint8_t *output, size_t output_capacity, size_t *produced) {
    d->zs.next_in = (Bytef *)input;
    d->zs.avail_in = (uInt)input_length;
    d->zs.next_out = output;
    d->zs.avail_out = (uInt)output_capacity;
    int status = inflate(&d->zs, Z_NO_FLUSH);
    *consumed = input_length - d->zs.avail_in;
    *produced = output_capacity - d->zs.avail_out;
    if (status == Z_DATA_ERROR && d->kind == CHATBOT_WEBDECODE_DEFLATE && !d->started && !d->raw_fallback) {
        // No zlib header: some servers send raw deflate for "deflate". Start again in raw mode.
        inflateEnd(&d->zs);
        d->raw_fallback = 1;
        if (!chatbot_zlib_init(d, -15)) return CHATBOT_WEBDECODE_ERROR;
        return chatbot_run_zlib(d, input, input_length, consumed, output, output_capacity, produced);
    }
    if (*produced > 0) d->started = 1;
    switch (status) {
    case Z_STREAM_END: return CHATBOT_WEBDECODE_END;
    case Z_OK: return CHATBOT_WEBDECODE_OK;
    case Z_BUF_ERROR: return CHATBOT_WEBDECODE_OK;  // no progress possible: needs more input or room
    default: return CHATBOT_WEBDECODE_ERROR;
    }
}

int chatbot_webdecoder_run(chatbot_webdecoder *d, const uint8_t *input, size_t input_length, size_t *consumed,
                           uint8_t *output, size_t output_capacity, size_t *produced) {
    *consumed = 0;
    *produced = 0;
    if (d == NULL) return CHATBOT_WEBDECODE_ERROR;
    if (d->kind == CHATBOT_WEBDECODE_BROTLI) {
        size_t available_in = input_length;
        const uint8_t *next_in = input;
        size_t available_out = output_capacity;
        uint8_t *next_out = output;
        BrotliDecoderResult result =
            BrotliDecoderDecompressStream(d->brotli, &available_in, &next_in, &available_out, &next_out, NULL);
        *consumed = input_length - available_in;
        *produced = output_capacity - available_out;
        switch (result) {
        case BROTLI_DECODER_RESULT_SUCCESS: return CHATBOT_WEBDECODE_END;
        case BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT:
        case BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT: return CHATBOT_WEBDECODE_OK;
        default: return CHATBOT_WEBDECODE_ERROR;
        }
    }
    return chatbot_run_zlib(d, input, input_length, consumed, output, output_capacity, produced);
}

void chatbot_webdecoder_free(chatbot_webdecoder *d) {
    if (d == NULL) return;
    if (d->kind == CHATBOT_WEBDECODE_BROTLI) {
        BrotliDecoderDestroyInstance(d->brotli);
    } else {
        inflateEnd(&d->zs);
    }
    free(d);
}
