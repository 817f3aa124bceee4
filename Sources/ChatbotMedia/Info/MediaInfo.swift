/// What a media file holds: container, duration, streams, chapters and tags.
///
/// Encoded as JSON with snake_case keys by `chatbot transcribe --info --json`.
public struct MediaInfo: Sendable, Hashable, Codable {
    /// The demuxer's short name, e.g. `mov,mp4,m4a,3gp,3g2,mj2` or `wav`.
    public var container: String
    /// The demuxer's descriptive name, e.g. `QuickTime / MOV`.
    public var containerName: String
    /// Duration in seconds, when the container says.
    public var durationSeconds: Double?
    /// Overall bit rate in bits per second, when known.
    public var bitRate: Int?
    /// Every stream, in container order.
    public var streams: [MediaStream]
    /// Chapters, in order.
    public var chapters: [MediaChapter]
    /// Container metadata tags (title, artist, …).
    public var tags: [String: String]
    /// The index of the audio stream that is decoded when none is chosen, if there is one.
    public var bestAudioStream: Int?

    /// Creates a description.
    public init(
        container: String, containerName: String, durationSeconds: Double?, bitRate: Int?,
        streams: [MediaStream], chapters: [MediaChapter], tags: [String: String], bestAudioStream: Int?
    ) {
        self.container = container
        self.containerName = containerName
        self.durationSeconds = durationSeconds
        self.bitRate = bitRate
        self.streams = streams
        self.chapters = chapters
        self.tags = tags
        self.bestAudioStream = bestAudioStream
    }

    /// The text subtitle streams (SubRip, ASS/SSA, mov_text, WebVTT).
    public var textSubtitleStreams: [MediaStream] {
        streams.filter { $0.kind == .subtitle && MediaStream.textSubtitleCodecs.contains($0.codec) }
    }
}

/// One stream of a media file.
public struct MediaStream: Sendable, Hashable, Codable {
    /// What a stream carries.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Sound.
        case audio
        /// Moving pictures.
        case video
        /// Subtitles (text or bitmap).
        case subtitle
        /// Anything else (data, attachments).
        case other
    }

    /// The codecs whose subtitles are text.
    public static let textSubtitleCodecs: Set<String> = ["subrip", "srt", "ass", "ssa", "mov_text", "webvtt", "text"]

    /// Position in the container (what `--stream N` takes).
    public var index: Int
    /// Audio, video, subtitle or other.
    public var kind: Kind
    /// FFmpeg's short codec name (`aac`, `h264`, `subrip`).
    public var codec: String
    /// The codec's descriptive name.
    public var codecName: String?
    /// Audio: samples per second.
    public var sampleRate: Int?
    /// Audio: number of channels.
    public var channels: Int?
    /// Video: width in pixels.
    public var width: Int?
    /// Video: height in pixels.
    public var height: Int?
    /// Video: frames per second.
    public var frameRate: Double?
    /// Stream duration in seconds, when known.
    public var durationSeconds: Double?
    /// Bit rate in bits per second, when known.
    public var bitRate: Int?
    /// The language tag (`eng`), when present.
    public var language: String?
    /// The title tag, when present.
    public var title: String?
    /// Whether the container marks it as the default stream of its kind.
    public var isDefault: Bool
    /// A cover image rather than real video.
    public var isAttachedPicture: Bool
    /// The stream's metadata tags.
    public var tags: [String: String]

    /// Creates a stream description.
    public init(
        index: Int, kind: Kind, codec: String, codecName: String? = nil, sampleRate: Int? = nil,
        channels: Int? = nil, width: Int? = nil, height: Int? = nil, frameRate: Double? = nil,
        durationSeconds: Double? = nil, bitRate: Int? = nil, language: String? = nil, title: String? = nil,
        isDefault: Bool = false, isAttachedPicture: Bool = false, tags: [String: String] = [:]
    ) {
        self.index = index
        self.kind = kind
        self.codec = codec
        self.codecName = codecName
        self.sampleRate = sampleRate
        self.channels = channels
        self.width = width
        self.height = height
        self.frameRate = frameRate
        self.durationSeconds = durationSeconds
        self.bitRate = bitRate
        self.language = language
        self.title = title
        self.isDefault = isDefault
        self.isAttachedPicture = isAttachedPicture
        self.tags = tags
    }
}

/// One chapter of a media file.
public struct MediaChapter: Sendable, Hashable, Codable {
    /// Start in seconds.
    public var startSeconds: Double
    /// End in seconds.
    public var endSeconds: Double
    /// The chapter's title, when present.
    public var title: String?

    /// Creates a chapter.
    public init(startSeconds: Double, endSeconds: Double, title: String?) {
        self.startSeconds = startSeconds
        self.endSeconds = endSeconds
        self.title = title
    }
}
