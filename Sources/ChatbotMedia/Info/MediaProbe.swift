import CFFmpegShim

/// Reads what a media file holds without decoding it.
public enum MediaProbe {
    /// Opens `source` under `limits` and describes it.
    ///
    /// - Throws: `ChatbotError` naming the file and the reason (not media, refused container,
    ///   truncated, too long).
    public static func info(of source: MediaSource, limits: MediaLimits = MediaLimits()) throws -> MediaInfo {
        let handle = try MediaHandle(source, limits: limits)
        return describe(handle)
    }

    static func describe(_ handle: MediaHandle) -> MediaInfo {
        let media = handle.pointer
        var streams: [MediaStream] = []
        for index in 0..<Int(cbm_stream_count(media)) {
            var info = cbm_stream_info()
            guard cbm_stream_info_at(media, Int32(index), &info) == 0 else { continue }
            streams.append(stream(info, tags: tags(media, stream: Int32(index))))
        }
        var chapters: [MediaChapter] = []
        for index in 0..<Int(cbm_chapter_count(media)) {
            var start: Int64 = 0
            var end: Int64 = 0
            var title: UnsafePointer<CChar>?
            guard cbm_chapter_at(media, Int32(index), &start, &end, &title) == 0 else { continue }
            chapters.append(
                MediaChapter(
                    startSeconds: seconds(start), endSeconds: seconds(end), title: title.map { String(cString: $0) }))
        }
        let duration = cbm_duration_us(media)
        let bitRate = cbm_bit_rate(media)
        let best = cbm_best_audio_stream(media)
        return MediaInfo(
            container: String(cString: cbm_format_name(media)),
            containerName: String(cString: cbm_format_long_name(media)),
            durationSeconds: duration >= 0 ? seconds(duration) : nil,
            bitRate: bitRate > 0 ? Int(bitRate) : nil,
            streams: streams,
            chapters: chapters,
            tags: tags(media, stream: -1),
            bestAudioStream: best >= 0 ? Int(best) : nil
        )
    }

    private static func stream(_ info: cbm_stream_info, tags: [String: String]) -> MediaStream {
        let kind: MediaStream.Kind =
            switch Int(info.kind) {
            case CBM_STREAM_AUDIO: .audio
            case CBM_STREAM_VIDEO: .video
            case CBM_STREAM_SUBTITLE: .subtitle
            default: .other
            }
        let isAudio = kind == .audio
        let isVideo = kind == .video
        let frameRate: Double? =
            isVideo && info.frame_rate_num > 0 && info.frame_rate_den > 0
            ? Double(info.frame_rate_num) / Double(info.frame_rate_den) : nil
        return MediaStream(
            index: Int(info.index),
            kind: kind,
            codec: info.codec.map { String(cString: $0) } ?? "unknown",
            codecName: info.codec_long.map { String(cString: $0) },
            sampleRate: isAudio && info.sample_rate > 0 ? Int(info.sample_rate) : nil,
            channels: isAudio && info.channels > 0 ? Int(info.channels) : nil,
            width: isVideo && info.width > 0 ? Int(info.width) : nil,
            height: isVideo && info.height > 0 ? Int(info.height) : nil,
            frameRate: frameRate,
            durationSeconds: info.duration_us >= 0 ? seconds(info.duration_us) : nil,
            bitRate: info.bit_rate > 0 ? Int(info.bit_rate) : nil,
            language: info.language.map { String(cString: $0) },
            title: info.title.map { String(cString: $0) },
            isDefault: info.is_default != 0,
            isAttachedPicture: info.is_attached_picture != 0,
            tags: tags
        )
    }

    private static func tags(_ media: OpaquePointer, stream: Int32) -> [String: String] {
        var result: [String: String] = [:]
        var index: Int32 = 0
        var key: UnsafePointer<CChar>?
        var value: UnsafePointer<CChar>?
        while index < 1000, cbm_tag_at(media, stream, index, &key, &value) == 0, let key, let value {
            result[String(cString: key)] = String(cString: value)
            index += 1
        }
        return result
    }

    static func seconds(_ microseconds: Int64) -> Double {
        Double(microseconds) / 1_000_000
    }
}
