#ifndef CHATBOT_CFFMPEG_SHIM_H
#define CHATBOT_CFFMPEG_SHIM_H
// A small, hardened interface to FFmpeg's libavformat, libavcodec and libswresample for ChatbotMedia.
//
// Only plain C types cross this boundary; no FFmpeg header is visible to Swift. Media is read
// through our own AVIOContext over a file descriptor or a memory buffer, so FFmpeg never opens a
// URL or a protocol handler; nested opens (playlists, concat files, references) are refused; only
// the demuxers in the allow-list are accepted; probing, duration and decoded samples are capped;
// every blocking step honours a deadline.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// An opened media file (opaque).
typedef struct cbm_media cbm_media;

/// Limits applied while opening and decoding.
typedef struct cbm_limits {
    int64_t probe_size;           ///< bytes read to detect the container and streams
    int64_t analyze_duration_us;  ///< media time analysed to find stream parameters
    int64_t max_duration_us;      ///< longer media is refused (0: no limit)
    int64_t max_output_samples;   ///< decoding stops with an error after this many output samples (0: no limit)
    int64_t deadline_us;          ///< monotonic time (cbm_now_us) after which every step fails (0: none)
} cbm_limits;

/// Stream kinds reported by cbm_stream_info.
enum {
    CBM_STREAM_OTHER = 0,
    CBM_STREAM_AUDIO = 1,
    CBM_STREAM_VIDEO = 2,
    CBM_STREAM_SUBTITLE = 3,
};

/// Error codes beyond FFmpeg's (negative) ones.
enum {
    CBM_ERR_NOT_ALLOWED = -0x43424d01,  ///< the container is not in the allow-list
    CBM_ERR_TOO_LONG = -0x43424d02,     ///< duration or decoded samples over the cap
    CBM_ERR_DEADLINE = -0x43424d03,     ///< the deadline passed
    CBM_ERR_NO_STREAM = -0x43424d04,    ///< no such (audio/subtitle) stream
    CBM_ERR_UNRECOGNISED = -0x43424d05, ///< no demuxer recognised the data
    CBM_ERR_CANCELLED = -0x43424d06,    ///< cbm_cancel was called
    CBM_ERR_UNAVAILABLE = -0x43424d07,  ///< FFmpeg's libraries could not be loaded (dlopen)
};

/// One stream's description. Strings point into the media and live until cbm_close.
typedef struct cbm_stream_info {
    int index;
    int kind;                 ///< CBM_STREAM_*
    const char *codec;        ///< short codec name ("aac", "h264", "subrip")
    const char *codec_long;   ///< descriptive codec name, may be NULL
    int sample_rate;
    int channels;
    int width;
    int height;
    int frame_rate_num;
    int frame_rate_den;
    int64_t duration_us;      ///< -1 when unknown
    int64_t bit_rate;         ///< 0 when unknown
    int is_default;
    int is_attached_picture;  ///< a cover image, not a real video stream
    const char *language;     ///< "language" tag, may be NULL
    const char *title;        ///< "title" tag, may be NULL
} cbm_stream_info;

/// The current monotonic time in microseconds, for deadlines.
int64_t cbm_now_us(void);

/// A message for an error code (FFmpeg's or ours), written into buf.
void cbm_error_string(int code, char *buf, size_t size);

/// The comma-separated demuxer allow-list.
const char *cbm_allowed_formats(void);

/// Opens media read from `fd` (not closed by the shim; the caller keeps it open until cbm_close).
/// On failure returns a negative code and *out is NULL.
int cbm_open_fd(int fd, const cbm_limits *limits, cbm_media **out);

/// Opens media held in memory; `data` must stay valid until cbm_close.
int cbm_open_memory(const uint8_t *data, size_t size, const cbm_limits *limits, cbm_media **out);

/// Closes and frees everything. NULL is ignored.
void cbm_close(cbm_media *media);

/// Makes every further blocking step fail with CBM_ERR_CANCELLED (thread-safe).
void cbm_cancel(cbm_media *media);

/// The detected container's short name ("mov,mp4,m4a,3gp,3g2,mj2", "wav").
const char *cbm_format_name(const cbm_media *media);
/// The detected container's descriptive name.
const char *cbm_format_long_name(const cbm_media *media);
/// The container duration in microseconds, -1 when unknown.
int64_t cbm_duration_us(const cbm_media *media);
/// The timestamp of the first frame in microseconds (0 when unknown); decoded audio starts here.
int64_t cbm_start_time_us(const cbm_media *media);
/// The container bit rate, 0 when unknown.
int64_t cbm_bit_rate(const cbm_media *media);

/// Number of streams.
int cbm_stream_count(const cbm_media *media);
/// Describes stream `index`; returns 0, or CBM_ERR_NO_STREAM.
int cbm_stream_info_at(const cbm_media *media, int index, cbm_stream_info *out);
/// The best audio stream's index, or CBM_ERR_NO_STREAM.
int cbm_best_audio_stream(const cbm_media *media);

/// Metadata tags of the container (stream = -1) or a stream: the n-th key and value, 0 when present.
int cbm_tag_at(const cbm_media *media, int stream, int n, const char **key, const char **value);

/// Number of chapters.
int cbm_chapter_count(const cbm_media *media);
/// Chapter n: start and end in microseconds and its title (may be NULL); 0 when present.
int cbm_chapter_at(const cbm_media *media, int n, int64_t *start_us, int64_t *end_us, const char **title);

/// Prepares decoding of audio stream `stream` to mono float samples at `sample_rate` Hz.
int cbm_audio_open(cbm_media *media, int stream, int sample_rate);

/// Decodes the next chunk. On success returns the number of samples (> 0) and points *samples at
/// them (valid until the next call); 0 at the end; a negative code on failure.
int cbm_audio_next(cbm_media *media, const float **samples);

/// Total output samples produced so far.
int64_t cbm_audio_samples_produced(const cbm_media *media);

/// Prepares decoding of subtitle stream `stream`.
int cbm_subtitle_open(cbm_media *media, int stream);

/// Decodes the next subtitle event. On success returns 1 and sets its start and end (microseconds)
/// and its text (ASS dialogue fields or plain text, valid until the next call); 0 at the end;
/// a negative code on failure. *is_ass tells whether the text is an ASS dialogue line.
int cbm_subtitle_next(cbm_media *media, int64_t *start_us, int64_t *end_us, const char **text, int *is_ass);

#ifdef __cplusplus
}
#endif

#endif
