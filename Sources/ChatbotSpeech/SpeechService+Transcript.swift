public import ChatbotCore
import ChatbotMedia
import Foundation

/// What ``SpeechService/transcript(ofFile:options:stream:useSubtitles:force:prepareAudio:onEvent:)``
/// tells its caller while it works.
public enum TranscriptEvent: Sendable {
    /// The transcript came from the cache.
    case fromCache
    /// Subtitles were asked for, but the file has no text subtitle track: the audio is transcribed.
    case noSubtitleTrack
    /// Audio transcription progressed.
    case progress(TranscriptionProgress)
}

extension SpeechService {
    /// The transcript of the media file at `path`, as `chatbot transcribe` and the server's
    /// transcription jobs make it: from the cache unless `force`; else, with `useSubtitles`, from
    /// the file's text subtitle track when it has one; else by transcribing the audio (of
    /// `stream`, or the best audio stream) in windows. The result is cached.
    ///
    /// - Parameters:
    ///   - prepareAudio: called before the audio is sent (e.g. to start a managed local server).
    ///   - onEvent: hears where the transcript comes from and the progress of the audio.
    public func transcript(
        ofFile path: String, options: TranscriptionOptions, stream: Int? = nil, useSubtitles: Bool = false,
        force: Bool = false, prepareAudio: @Sendable () async throws -> Void = {},
        onEvent: @escaping @Sendable (TranscriptEvent) -> Void = { _ in }
    ) async throws -> Transcript {
        let key = try await cacheKey(ofFile: path, options: options, stream: stream, subtitles: useSubtitles)
        if !force, let cached = cache.load(key) {
            onEvent(.fromCache)
            return cached
        }
        let source = MediaSource.file(path)
        let transcript: Transcript
        if useSubtitles, let fromSubtitles = try Self.subtitleTranscript(source, stream: stream) {
            transcript = fromSubtitles
        } else {
            if useSubtitles { onEvent(.noSubtitleTrack) }
            try await prepareAudio()
            transcript = try await transcribe(source, stream: useSubtitles ? nil : stream, options: options) {
                onEvent(.progress($0))
            }
        }
        try? cache.store(transcript, key: key)
        return transcript
    }

    /// The transcript held by the file's text subtitle track (`stream` when it is one), or `nil`
    /// when it has none.
    static func subtitleTranscript(_ source: MediaSource, stream: Int?) throws -> Transcript? {
        let mediaInfo = try MediaProbe.info(of: source)
        guard !mediaInfo.textSubtitleStreams.isEmpty else { return nil }
        let cues = try SubtitleReader.cues(
            of: source,
            stream: stream.flatMap { index in
                mediaInfo.textSubtitleStreams.contains { $0.index == index } ? index : nil
            })
        let segments = cues.map {
            TranscriptSegment(start: $0.start, end: $0.end, text: $0.text.replacingOccurrences(of: "\n", with: " "))
        }
        return Transcript(
            text: segments.map(\.text).joined(separator: " "), segments: segments,
            language: mediaInfo.textSubtitleStreams.first?.language, duration: mediaInfo.durationSeconds)
    }
}
