// The only file that includes FFmpeg's headers. See include/cffmpeg_shim.h for the contract.
#include "cffmpeg_shim.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avstring.h>
#include <libavutil/channel_layout.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libavutil/mem.h>
#include <libavutil/opt.h>
#include <libavutil/time.h>
#include <libswresample/swresample.h>
#include <libswresample/version.h>
#include <libavcodec/version.h>
#include <libavformat/version.h>
#include <libavutil/version.h>

#include <dlfcn.h>
#include <time.h>

// FFmpeg is loaded with dlopen on the first open, not linked: its libraries pull in some 125
// more (every codec, TLS, image and network library Debian builds it with), and loading them
// cost every chatbot command — `ask`, `backup`, `--version` — about 60 ms at start-up. The
// sonames are the ones of the headers compiled against, so the ABI is the one we were built for.
#define CBM_STRINGIFY2(x) #x
#define CBM_STRINGIFY(x) CBM_STRINGIFY2(x)

// Every FFmpeg function the shim calls; each also needs its #define below.
#define CBM_FFMPEG_FUNCTIONS(X) \
    X(av_channel_layout_compare) \
    X(av_channel_layout_copy) \
    X(av_channel_layout_default) \
    X(av_channel_layout_uninit) \
    X(av_dict_get) \
    X(av_find_best_stream) \
    X(av_frame_alloc) \
    X(av_frame_free) \
    X(av_frame_unref) \
    X(av_free) \
    X(av_freep) \
    X(av_log_set_level) \
    X(av_malloc) \
    X(av_match_list) \
    X(av_packet_alloc) \
    X(av_packet_free) \
    X(av_packet_unref) \
    X(av_probe_input_buffer2) \
    X(av_read_frame) \
    X(av_realloc) \
    X(av_realloc_array) \
    X(av_rescale_q) \
    X(av_strdup) \
    X(av_strerror) \
    X(avcodec_alloc_context3) \
    X(avcodec_decode_subtitle2) \
    X(avcodec_descriptor_get) \
    X(avcodec_find_decoder) \
    X(avcodec_free_context) \
    X(avcodec_get_name) \
    X(avcodec_open2) \
    X(avcodec_parameters_to_context) \
    X(avcodec_receive_frame) \
    X(avcodec_send_packet) \
    X(avformat_alloc_context) \
    X(avformat_close_input) \
    X(avformat_find_stream_info) \
    X(avformat_open_input) \
    X(avio_alloc_context) \
    X(avio_context_free) \
    X(avsubtitle_free) \
    X(swr_alloc_set_opts2) \
    X(swr_convert) \
    X(swr_free) \
    X(swr_get_out_samples) \
    X(swr_init)

#define CBM_POINTER(name) __typeof__(&name) name;
static struct {
    CBM_FFMPEG_FUNCTIONS(CBM_POINTER)
} ffmpeg;
#undef CBM_POINTER

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int load_status = -1;
static char load_error[512];

static void load_ffmpeg(void) {
    static const char *const libraries[] = {
        "libavutil.so." CBM_STRINGIFY(LIBAVUTIL_VERSION_MAJOR),
        "libswresample.so." CBM_STRINGIFY(LIBSWRESAMPLE_VERSION_MAJOR),
        "libavcodec.so." CBM_STRINGIFY(LIBAVCODEC_VERSION_MAJOR),
        "libavformat.so." CBM_STRINGIFY(LIBAVFORMAT_VERSION_MAJOR),
    };
    enum { LIBRARIES = sizeof libraries / sizeof libraries[0] };
    void *handles[LIBRARIES];
    for (int i = 0; i < LIBRARIES; i++) {
        handles[i] = dlopen(libraries[i], RTLD_NOW | RTLD_LOCAL);
        if (!handles[i]) {
            snprintf(load_error, sizeof load_error, "FFmpeg's %s cannot be loaded: %s", libraries[i], dlerror());
            return;
        }
    }
#define CBM_RESOLVE(name)                                                                          \
    for (int i = 0; i < LIBRARIES && !ffmpeg.name; i++) *(void **)&ffmpeg.name = dlsym(handles[i], #name); \
    if (!ffmpeg.name) {                                                                            \
        snprintf(load_error, sizeof load_error, "FFmpeg's libraries have no %s", #name);           \
        return;                                                                                    \
    }
    CBM_FFMPEG_FUNCTIONS(CBM_RESOLVE)
#undef CBM_RESOLVE
    load_status = 0;
}

// 0 once FFmpeg is loaded (thread-safe, tried once), else CBM_ERR_UNAVAILABLE.
static int ensure_ffmpeg(void) {
    pthread_once(&load_once, load_ffmpeg);
    return load_status == 0 ? 0 : CBM_ERR_UNAVAILABLE;
}

// From here on every FFmpeg call goes through the loaded pointers.
#define av_channel_layout_compare ffmpeg.av_channel_layout_compare
#define av_channel_layout_copy ffmpeg.av_channel_layout_copy
#define av_channel_layout_default ffmpeg.av_channel_layout_default
#define av_channel_layout_uninit ffmpeg.av_channel_layout_uninit
#define av_dict_get ffmpeg.av_dict_get
#define av_find_best_stream ffmpeg.av_find_best_stream
#define av_frame_alloc ffmpeg.av_frame_alloc
#define av_frame_free ffmpeg.av_frame_free
#define av_frame_unref ffmpeg.av_frame_unref
#define av_free ffmpeg.av_free
#define av_freep ffmpeg.av_freep
#define av_log_set_level ffmpeg.av_log_set_level
#define av_malloc ffmpeg.av_malloc
#define av_match_list ffmpeg.av_match_list
#define av_packet_alloc ffmpeg.av_packet_alloc
#define av_packet_free ffmpeg.av_packet_free
#define av_packet_unref ffmpeg.av_packet_unref
#define av_probe_input_buffer2 ffmpeg.av_probe_input_buffer2
#define av_read_frame ffmpeg.av_read_frame
#define av_realloc ffmpeg.av_realloc
#define av_realloc_array ffmpeg.av_realloc_array
#define av_rescale_q ffmpeg.av_rescale_q
#define av_strdup ffmpeg.av_strdup
#define av_strerror ffmpeg.av_strerror
#define avcodec_alloc_context3 ffmpeg.avcodec_alloc_context3
#define avcodec_decode_subtitle2 ffmpeg.avcodec_decode_subtitle2
#define avcodec_descriptor_get ffmpeg.avcodec_descriptor_get
#define avcodec_find_decoder ffmpeg.avcodec_find_decoder
#define avcodec_free_context ffmpeg.avcodec_free_context
#define avcodec_get_name ffmpeg.avcodec_get_name
#define avcodec_open2 ffmpeg.avcodec_open2
#define avcodec_parameters_to_context ffmpeg.avcodec_parameters_to_context
#define avcodec_receive_frame ffmpeg.avcodec_receive_frame
#define avcodec_send_packet ffmpeg.avcodec_send_packet
#define avformat_alloc_context ffmpeg.avformat_alloc_context
#define avformat_close_input ffmpeg.avformat_close_input
#define avformat_find_stream_info ffmpeg.avformat_find_stream_info
#define avformat_open_input ffmpeg.avformat_open_input
#define avio_alloc_context ffmpeg.avio_alloc_context
#define avio_context_free ffmpeg.avio_context_free
#define avsubtitle_free ffmpeg.avsubtitle_free
#define swr_alloc_set_opts2 ffmpeg.swr_alloc_set_opts2
#define swr_convert ffmpeg.swr_convert
#define swr_free ffmpeg.swr_free
#define swr_get_out_samples ffmpeg.swr_get_out_samples
#define swr_init ffmpeg.swr_init


// Demuxers accepted. Each entry matches any demuxer whose comma-separated name contains it
// ("mov" accepts "mov,mp4,m4a,3gp,3g2,mj2"; "matroska" accepts "matroska,webm").
static const char *const allowed_formats = "wav,w64,aiff,mp3,aac,mov,matroska,webm,flac,ogg,avi";

enum { IO_BUFFER_SIZE = 64 * 1024, MAX_DECODE_ERRORS = 64 };

struct cbm_media {
    AVFormatContext *format;
    AVIOContext *io;
    int fd;
    const uint8_t *memory;
    size_t memory_size;
    int64_t memory_position;
    cbm_limits limits;
    atomic_int cancelled;

    // Audio decoding.
    AVCodecContext *audio;
    int audio_stream;
    int output_rate;
    SwrContext *resampler;
    AVChannelLayout resampler_layout;
    int resampler_format;
    int resampler_rate;
    AVPacket *packet;
    AVFrame *frame;
    float *output;
    int output_capacity;
    int64_t produced;
    int sent_end;
    int finished;
    int decode_errors;

    // Subtitle decoding.
    AVCodecContext *subtitles;
    int subtitle_stream;
    char *subtitle_text;
};

static pthread_once_t quiet_once = PTHREAD_ONCE_INIT;
static void make_quiet(void) { av_log_set_level(AV_LOG_QUIET); }

int64_t cbm_now_us(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);  // the clock av_gettime_relative reads
    return (int64_t)now.tv_sec * 1000000 + now.tv_nsec / 1000;
}

const char *cbm_allowed_formats(void) { return allowed_formats; }

void cbm_error_string(int code, char *buf, size_t size) {
    if (size == 0) return;
    const char *text = NULL;
    switch (code) {
    case CBM_ERR_NOT_ALLOWED: text = "container format not allowed"; break;
    case CBM_ERR_TOO_LONG: text = "media longer than the allowed maximum"; break;
    case CBM_ERR_DEADLINE: text = "the time limit for decoding passed"; break;
    case CBM_ERR_NO_STREAM: text = "no such stream"; break;
    case CBM_ERR_UNRECOGNISED: text = "not a recognised audio or video file"; break;
    case CBM_ERR_CANCELLED: text = "cancelled"; break;
    case CBM_ERR_UNAVAILABLE: text = load_error[0] ? load_error : "FFmpeg's libraries are not loaded"; break;
    default: break;
    }
    if (text) {
        snprintf(buf, size, "%s", text);
    } else if (load_status != 0 || av_strerror(code, buf, size) < 0) {
        snprintf(buf, size, "error %d", code);
    }
}

// Why the current step must stop, or 0.
static int interruption(cbm_media *media) {
    if (atomic_load(&media->cancelled)) return CBM_ERR_CANCELLED;
    if (media->limits.deadline_us > 0 && cbm_now_us() > media->limits.deadline_us) return CBM_ERR_DEADLINE;
    return 0;
}

// FFmpeg reports an interrupted step as AVERROR_EXIT; say why instead.
static int explain(cbm_media *media, int code) {
    if (code == AVERROR_EXIT || code == AVERROR(EINTR)) {
        int reason = interruption(media);
        if (reason) return reason;
    }
    return code;
}

static int interrupt_callback(void *opaque) { return interruption((cbm_media *)opaque) != 0; }

static int read_fd(void *opaque, uint8_t *buf, int size) {
    cbm_media *media = opaque;
    if (interruption(media)) return AVERROR_EXIT;
    for (;;) {
        ssize_t count = read(media->fd, buf, (size_t)size);
        if (count > 0) return (int)count;
        if (count == 0) return AVERROR_EOF;
        if (errno != EINTR) return AVERROR(errno);
    }
}

static int64_t seek_fd(void *opaque, int64_t offset, int whence) {
    cbm_media *media = opaque;
    if (whence & AVSEEK_SIZE) {
        struct stat info;
        if (fstat(media->fd, &info) != 0) return AVERROR(errno);
        return (int64_t)info.st_size;
    }
    off_t result = lseek(media->fd, (off_t)offset, whence & ~AVSEEK_FORCE);
    return result < 0 ? AVERROR(errno) : (int64_t)result;
}

static int read_memory(void *opaque, uint8_t *buf, int size) {
    cbm_media *media = opaque;
    if (interruption(media)) return AVERROR_EXIT;
    int64_t left = (int64_t)media->memory_size - media->memory_position;
    if (left <= 0) return AVERROR_EOF;
    int count = left < size ? (int)left : size;
    memcpy(buf, media->memory + media->memory_position, (size_t)count);
    media->memory_position += count;
    return count;
}

static int64_t seek_memory(void *opaque, int64_t offset, int whence) {
    cbm_media *media = opaque;
    int64_t size = (int64_t)media->memory_size;
    whence &= ~AVSEEK_FORCE;
    if (whence & AVSEEK_SIZE) return size;
    int64_t target;
    switch (whence) {
    case SEEK_SET: target = offset; break;
    case SEEK_CUR: target = media->memory_position + offset; break;
    case SEEK_END: target = size + offset; break;
    default: return AVERROR(EINVAL);
    }
    if (target < 0 || target > size) return AVERROR(EINVAL);
    media->memory_position = target;
    return target;
}

// Demuxers that reference other files (playlists, concat lists, DASH manifests, reference movies)
// open them through this callback: refuse every one.
static int refuse_nested_open(struct AVFormatContext *s, AVIOContext **pb, const char *url, int flags,
                              AVDictionary **options) {
    (void)s; (void)pb; (void)url; (void)flags; (void)options;
    return AVERROR(EPERM);
}

static int open_common(cbm_media *media, int (*reader)(void *, uint8_t *, int),
                       int64_t (*seeker)(void *, int64_t, int), cbm_media **out) {
    *out = NULL;
    pthread_once(&quiet_once, make_quiet);
    uint8_t *buffer = av_malloc(IO_BUFFER_SIZE);
    if (!buffer) { free(media); return AVERROR(ENOMEM); }
    media->io = avio_alloc_context(buffer, IO_BUFFER_SIZE, 0, media, reader, NULL, seeker);
    if (!media->io) { av_free(buffer); free(media); return AVERROR(ENOMEM); }
    media->audio_stream = -1;
    media->subtitle_stream = -1;

    // Detect the container ourselves first, so a refused one is named in the error.
    const AVInputFormat *detected = NULL;
    int64_t probe_size = media->limits.probe_size > 0 ? media->limits.probe_size : 5 * 1024 * 1024;
    int code = av_probe_input_buffer2(media->io, &detected, "", NULL, 0, (unsigned)probe_size);
    if (code < 0 || !detected) {
        int reason = interruption(media);
        cbm_close(media);
        if (reason) return reason;
        return code == AVERROR_EOF || code == AVERROR_INVALIDDATA || !detected ? CBM_ERR_UNRECOGNISED : code;
    }
    if (av_match_list(detected->name, allowed_formats, ',') <= 0) {
        cbm_close(media);
        return CBM_ERR_NOT_ALLOWED;
    }

    AVFormatContext *format = avformat_alloc_context();
    if (!format) { cbm_close(media); return AVERROR(ENOMEM); }
    format->pb = media->io;
    format->flags |= AVFMT_FLAG_CUSTOM_IO;
    format->probesize = probe_size;
    format->max_analyze_duration =
        media->limits.analyze_duration_us > 0 ? media->limits.analyze_duration_us : 5 * AV_TIME_BASE;
    format->interrupt_callback.callback = interrupt_callback;
    format->interrupt_callback.opaque = media;
    format->io_open = refuse_nested_open;
    format->format_whitelist = av_strdup(allowed_formats);
    format->protocol_whitelist = av_strdup("none");
    format->max_streams = 64;

    code = avformat_open_input(&format, "", detected, NULL);
    if (code < 0) {  // avformat_open_input frees `format` on failure, not our I/O context
        code = explain(media, code);
        cbm_close(media);
        return code;
    }
    media->format = format;
    code = avformat_find_stream_info(format, NULL);
    if (code < 0) {
        code = explain(media, code);
        cbm_close(media);
        return code;
    }
    if (media->limits.max_duration_us > 0 && format->duration != AV_NOPTS_VALUE &&
        format->duration > media->limits.max_duration_us) {
        cbm_close(media);
        return CBM_ERR_TOO_LONG;
    }
    *out = media;
    return 0;
}

int cbm_open_fd(int fd, const cbm_limits *limits, cbm_media **out) {
    *out = NULL;
    int loaded = ensure_ffmpeg();
    if (loaded) return loaded;
    cbm_media *media = calloc(1, sizeof(cbm_media));
    if (!media) return AVERROR(ENOMEM);
    media->fd = fd;
    if (limits) media->limits = *limits;
    return open_common(media, read_fd, seek_fd, out);
}

int cbm_open_memory(const uint8_t *data, size_t size, const cbm_limits *limits, cbm_media **out) {
    *out = NULL;
    int loaded = ensure_ffmpeg();
    if (loaded) return loaded;
    cbm_media *media = calloc(1, sizeof(cbm_media));
    if (!media) return AVERROR(ENOMEM);
    media->fd = -1;
    media->memory = data;
    media->memory_size = size;
    if (limits) media->limits = *limits;
    return open_common(media, read_memory, seek_memory, out);
}

void cbm_close(cbm_media *media) {
    if (!media) return;
    avcodec_free_context(&media->audio);
    avcodec_free_context(&media->subtitles);
    swr_free(&media->resampler);
    av_channel_layout_uninit(&media->resampler_layout);
    av_packet_free(&media->packet);
    av_frame_free(&media->frame);
    av_freep(&media->output);
    av_freep(&media->subtitle_text);
    if (media->format) avformat_close_input(&media->format);
    if (media->io) {
        av_freep(&media->io->buffer);
        avio_context_free(&media->io);
    }
    free(media);
}

void cbm_cancel(cbm_media *media) {
    if (media) atomic_store(&media->cancelled, 1);
}

const char *cbm_format_name(const cbm_media *media) { return media->format->iformat->name; }

const char *cbm_format_long_name(const cbm_media *media) {
    return media->format->iformat->long_name ? media->format->iformat->long_name : media->format->iformat->name;
}

int64_t cbm_duration_us(const cbm_media *media) {
    return media->format->duration == AV_NOPTS_VALUE ? -1 : media->format->duration;
}

int64_t cbm_start_time_us(const cbm_media *media) {
    return media->format->start_time == AV_NOPTS_VALUE ? 0 : media->format->start_time;
}

int64_t cbm_bit_rate(const cbm_media *media) { return media->format->bit_rate; }

int cbm_stream_count(const cbm_media *media) { return (int)media->format->nb_streams; }

static const char *tag_value(AVDictionary *dictionary, const char *key) {
    AVDictionaryEntry *entry = av_dict_get(dictionary, key, NULL, 0);
    return entry ? entry->value : NULL;
}

int cbm_stream_info_at(const cbm_media *media, int index, cbm_stream_info *out) {
    if (index < 0 || (unsigned)index >= media->format->nb_streams) return CBM_ERR_NO_STREAM;
    const AVStream *stream = media->format->streams[index];
    const AVCodecParameters *parameters = stream->codecpar;
    memset(out, 0, sizeof(*out));
    out->index = index;
    switch (parameters->codec_type) {
    case AVMEDIA_TYPE_AUDIO: out->kind = CBM_STREAM_AUDIO; break;
    case AVMEDIA_TYPE_VIDEO: out->kind = CBM_STREAM_VIDEO; break;
    case AVMEDIA_TYPE_SUBTITLE: out->kind = CBM_STREAM_SUBTITLE; break;
    default: out->kind = CBM_STREAM_OTHER; break;
    }
    out->codec = avcodec_get_name(parameters->codec_id);
    const AVCodecDescriptor *descriptor = avcodec_descriptor_get(parameters->codec_id);
    out->codec_long = descriptor ? descriptor->long_name : NULL;
    out->sample_rate = parameters->sample_rate;
    out->channels = parameters->ch_layout.nb_channels;
    out->width = parameters->width;
    out->height = parameters->height;
    AVRational rate = stream->avg_frame_rate.num > 0 ? stream->avg_frame_rate : stream->r_frame_rate;
    out->frame_rate_num = rate.num;
    out->frame_rate_den = rate.den;
    out->duration_us = stream->duration == AV_NOPTS_VALUE
                           ? -1
                           : av_rescale_q(stream->duration, stream->time_base, AV_TIME_BASE_Q);
    out->bit_rate = parameters->bit_rate;
    out->is_default = (stream->disposition & AV_DISPOSITION_DEFAULT) != 0;
    out->is_attached_picture = (stream->disposition & AV_DISPOSITION_ATTACHED_PIC) != 0;
    out->language = tag_value(stream->metadata, "language");
    out->title = tag_value(stream->metadata, "title");
    return 0;
}

int cbm_best_audio_stream(const cbm_media *media) {
    int index = av_find_best_stream(media->format, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
    return index < 0 ? CBM_ERR_NO_STREAM : index;
}

int cbm_tag_at(const cbm_media *media, int stream, int n, const char **key, const char **value) {
    AVDictionary *dictionary;
    if (stream < 0) {
        dictionary = media->format->metadata;
    } else if ((unsigned)stream < media->format->nb_streams) {
        dictionary = media->format->streams[stream]->metadata;
    } else {
        return CBM_ERR_NO_STREAM;
    }
    const AVDictionaryEntry *entry = NULL;
    for (int i = 0; i <= n; i++) {
        entry = av_dict_get(dictionary, "", entry, AV_DICT_IGNORE_SUFFIX);
        if (!entry) return -1;
    }
    *key = entry->key;
    *value = entry->value;
    return 0;
}

int cbm_chapter_count(const cbm_media *media) { return (int)media->format->nb_chapters; }

int cbm_chapter_at(const cbm_media *media, int n, int64_t *start_us, int64_t *end_us, const char **title) {
    if (n < 0 || (unsigned)n >= media->format->nb_chapters) return -1;
    const AVChapter *chapter = media->format->chapters[n];
    *start_us = av_rescale_q(chapter->start, chapter->time_base, AV_TIME_BASE_Q);
    *end_us = av_rescale_q(chapter->end, chapter->time_base, AV_TIME_BASE_Q);
    *title = tag_value(chapter->metadata, "title");
    return 0;
}

// Opens a decoder for `index`, discarding every other stream so the demuxer skips them.
static int open_decoder(cbm_media *media, int index, enum AVMediaType type, AVCodecContext **out) {
    if (index < 0 || (unsigned)index >= media->format->nb_streams) return CBM_ERR_NO_STREAM;
    AVStream *stream = media->format->streams[index];
    if (stream->codecpar->codec_type != type) return CBM_ERR_NO_STREAM;
    const AVCodec *codec = avcodec_find_decoder(stream->codecpar->codec_id);
    if (!codec) return AVERROR_DECODER_NOT_FOUND;
    AVCodecContext *context = avcodec_alloc_context3(codec);
    if (!context) return AVERROR(ENOMEM);
    int code = avcodec_parameters_to_context(context, stream->codecpar);
    if (code >= 0) {
        context->pkt_timebase = stream->time_base;
        context->thread_count = 0;  // as many as FFmpeg finds useful (FLAC decodes frames in parallel)
        code = avcodec_open2(context, codec, NULL);
    }
    if (code < 0) {
        avcodec_free_context(&context);
        return code;
    }
    for (unsigned i = 0; i < media->format->nb_streams; i++) {
        media->format->streams[i]->discard = (int)i == index ? AVDISCARD_DEFAULT : AVDISCARD_ALL;
    }
    if (!media->packet) media->packet = av_packet_alloc();
    if (!media->packet) {
        avcodec_free_context(&context);
        return AVERROR(ENOMEM);
    }
    *out = context;
    return 0;
}

int cbm_audio_open(cbm_media *media, int stream, int sample_rate) {
    if (media->audio) return AVERROR(EINVAL);
    if (sample_rate <= 0) return AVERROR(EINVAL);
    int code = open_decoder(media, stream, AVMEDIA_TYPE_AUDIO, &media->audio);
    if (code < 0) return code;
    media->frame = av_frame_alloc();
    if (!media->frame) return AVERROR(ENOMEM);
    media->audio_stream = stream;
    media->output_rate = sample_rate;
    return 0;
}

// (Re)creates the resampler when the decoded frames' layout, format or rate change.
static int prepare_resampler(cbm_media *media, const AVFrame *frame) {
    AVChannelLayout layout = {0};
    int code;
    if (frame->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC || frame->ch_layout.nb_channels <= 0) {
        int channels = frame->ch_layout.nb_channels > 0 ? frame->ch_layout.nb_channels : 1;
        av_channel_layout_default(&layout, channels);
    } else if ((code = av_channel_layout_copy(&layout, &frame->ch_layout)) < 0) {
        return code;
    }
    if (media->resampler && media->resampler_format == frame->format && media->resampler_rate == frame->sample_rate &&
        av_channel_layout_compare(&media->resampler_layout, &layout) == 0) {
        av_channel_layout_uninit(&layout);
        return 0;
    }
    swr_free(&media->resampler);
    av_channel_layout_uninit(&media->resampler_layout);
    AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
    code = swr_alloc_set_opts2(&media->resampler, &mono, AV_SAMPLE_FMT_FLT, media->output_rate, &layout,
                               (enum AVSampleFormat)frame->format, frame->sample_rate, 0, NULL);
    if (code >= 0) code = swr_init(media->resampler);
    if (code < 0) {
        swr_free(&media->resampler);
        av_channel_layout_uninit(&layout);
        return code;
    }
    media->resampler_layout = layout;
    media->resampler_format = frame->format;
    media->resampler_rate = frame->sample_rate;
    return 0;
}

static int ensure_output(cbm_media *media, int samples) {
    if (samples <= media->output_capacity) return 0;
    int capacity = samples + 1024;
    float *grown = av_realloc_array(media->output, (size_t)capacity, sizeof(float));
    if (!grown) return AVERROR(ENOMEM);
    media->output = grown;
    media->output_capacity = capacity;
    return 0;
}

static int deliver(cbm_media *media, int count, const float **samples) {
    media->produced += count;
    if (media->limits.max_output_samples > 0 && media->produced > media->limits.max_output_samples) {
        return CBM_ERR_TOO_LONG;
    }
    *samples = media->output;
    return count;
}

int cbm_audio_next(cbm_media *media, const float **samples) {
    if (!media->audio) return AVERROR(EINVAL);
    if (media->finished) return 0;
    for (;;) {
        int reason = interruption(media);
        if (reason) return reason;
        int code = avcodec_receive_frame(media->audio, media->frame);
        if (code == 0) {
            AVFrame *frame = media->frame;
            code = prepare_resampler(media, frame);
            if (code < 0) {
                av_frame_unref(frame);
                return code;
            }
            int needed = swr_get_out_samples(media->resampler, frame->nb_samples);
            if (needed < 0 || (code = ensure_output(media, needed)) < 0) {
                av_frame_unref(frame);
                return needed < 0 ? needed : code;
            }
            uint8_t *destination = (uint8_t *)media->output;
            int count = swr_convert(media->resampler, &destination, media->output_capacity,
                                    (const uint8_t **)frame->extended_data, frame->nb_samples);
            av_frame_unref(frame);
            if (count < 0) return count;
            if (count > 0) return deliver(media, count, samples);
            continue;
        }
        if (code == AVERROR_EOF) {
            media->finished = 1;
            if (!media->resampler) return 0;
            int needed = swr_get_out_samples(media->resampler, 0);
            if (needed <= 0) return 0;
            if ((code = ensure_output(media, needed)) < 0) return code;
            uint8_t *destination = (uint8_t *)media->output;
            int count = swr_convert(media->resampler, &destination, media->output_capacity, NULL, 0);
            if (count <= 0) return count;
            return deliver(media, count, samples);
        }
        if (code == AVERROR_INVALIDDATA) {  // a damaged frame: skip it, up to a point
            if (++media->decode_errors > MAX_DECODE_ERRORS) return AVERROR_INVALIDDATA;
            continue;
        }
        if (code != AVERROR(EAGAIN)) return code;
        if (media->sent_end) return AVERROR_BUG;  // the decoder wants input after the end: cannot happen

        AVPacket *packet = media->packet;
        code = av_read_frame(media->format, packet);
        if (code == AVERROR_EOF) {
            media->sent_end = 1;
            code = avcodec_send_packet(media->audio, NULL);
            if (code < 0 && code != AVERROR_EOF) return code;
            continue;
        }
        if (code < 0) return explain(media, code);
        if (packet->stream_index != media->audio_stream) {
            av_packet_unref(packet);
            continue;
        }
        code = avcodec_send_packet(media->audio, packet);
        av_packet_unref(packet);
        if (code == AVERROR_INVALIDDATA) {
            if (++media->decode_errors > MAX_DECODE_ERRORS) return AVERROR_INVALIDDATA;
            continue;
        }
        if (code < 0 && code != AVERROR(EAGAIN)) return code;
    }
}

int64_t cbm_audio_samples_produced(const cbm_media *media) { return media->produced; }

int cbm_subtitle_open(cbm_media *media, int stream) {
    if (media->subtitles) return AVERROR(EINVAL);
    int code = open_decoder(media, stream, AVMEDIA_TYPE_SUBTITLE, &media->subtitles);
    if (code < 0) return code;
    media->subtitle_stream = stream;
    return 0;
}

// Appends `piece` (and a newline separator when needed) to the subtitle text buffer.
static int append_text(cbm_media *media, const char *piece) {
    size_t old_length = media->subtitle_text ? strlen(media->subtitle_text) : 0;
    size_t piece_length = strlen(piece);
    char *grown = av_realloc(media->subtitle_text, old_length + piece_length + 2);
    if (!grown) return AVERROR(ENOMEM);
    if (old_length > 0) grown[old_length++] = '\n';
    memcpy(grown + old_length, piece, piece_length + 1);
    media->subtitle_text = grown;
    return 0;
}

int cbm_subtitle_next(cbm_media *media, int64_t *start_us, int64_t *end_us, const char **text, int *is_ass) {
    if (!media->subtitles) return AVERROR(EINVAL);
    AVStream *stream = media->format->streams[media->subtitle_stream];
    for (;;) {
        int reason = interruption(media);
        if (reason) return reason;
        AVPacket *packet = media->packet;
        int code = av_read_frame(media->format, packet);
        if (code == AVERROR_EOF) return 0;
        if (code < 0) return explain(media, code);
        if (packet->stream_index != media->subtitle_stream) {
            av_packet_unref(packet);
            continue;
        }
        int64_t timestamp = packet->pts != AV_NOPTS_VALUE ? packet->pts : packet->dts;
        int64_t base = timestamp == AV_NOPTS_VALUE ? 0 : av_rescale_q(timestamp, stream->time_base, AV_TIME_BASE_Q);
        int64_t duration =
            packet->duration > 0 ? av_rescale_q(packet->duration, stream->time_base, AV_TIME_BASE_Q) : 0;
        AVSubtitle subtitle;
        int got = 0;
        code = avcodec_decode_subtitle2(media->subtitles, &subtitle, &got, packet);
        av_packet_unref(packet);
        if (code < 0) {
            if (++media->decode_errors > MAX_DECODE_ERRORS) return code;
            continue;
        }
        if (!got) continue;
        av_freep(&media->subtitle_text);
        int ass = 0;
        for (unsigned i = 0; i < subtitle.num_rects; i++) {
            const AVSubtitleRect *rect = subtitle.rects[i];
            if (rect->ass) {
                ass = 1;
                code = append_text(media, rect->ass);
            } else if (rect->text) {
                code = append_text(media, rect->text);
            } else {
                continue;  // bitmap subtitles carry no text
            }
            if (code < 0) {
                avsubtitle_free(&subtitle);
                return code;
            }
        }
        *start_us = base + (int64_t)subtitle.start_display_time * 1000;
        if (subtitle.end_display_time > 0 && subtitle.end_display_time != UINT32_MAX) {
            *end_us = base + (int64_t)subtitle.end_display_time * 1000;
        } else {
            *end_us = base + duration;
        }
        avsubtitle_free(&subtitle);
        if (!media->subtitle_text) continue;
        *text = media->subtitle_text;
        *is_ass = ass;
        return 1;
    }
}
