import ArgumentParser
import ChatbotCore
import ChatbotLocalStack
import ChatbotMedia
import ChatbotServices
import ChatbotSpeech
import Foundation
import Logging

/// `chatbot transcribe`: audio or video to text through the configured speech provider.
struct TranscribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transcribe",
        abstract: "Transcribe audio or video to text, SRT, WebVTT or JSON.",
        discussion: """
            Reads WAV, MP3, M4A/AAC, FLAC, OGG/Opus, MP4, MKV, WebM and MOV (FFmpeg's libraries, \
            linked in; no ffmpeg program needed), from a file or from stdin (`-`). The container is \
            recognised by content, not by name. Only local data is read: playlists, concat lists and \
            other files that refer to further files or URLs are refused. The best audio stream is \
            decoded (or the one chosen with --stream), resampled to 16 kHz mono as a stream, cut into \
            windows at quiet points, each under the provider's upload limit, and sent with bounded \
            parallelism and retries; the answers are merged into one transcript with continuous \
            timestamps.

            The speech provider is configured with speech.provider (CHATBOT_SPEECH_PROVIDER): `local` \
            (default) is the managed faster-whisper server with Whisper tiny.en, started on demand; \
            any configured provider name (openai, groq, huggingface, or your own) uses that provider's \
            URL and key. speech.protocol is openai (multipart /audio/transcriptions) or huggingface \
            (the inference API at speech.base_url, default the model's hf-inference URL). Further keys: \
            speech.model, speech.base_url, speech.window_seconds (28 for the local server, whose \
            model mis-hears single uploads over 30 s; 600 otherwise), speech.upload_limit_mb (25), \
            speech.parallel (2), speech.language.

            --use-subtitles takes the transcript from an embedded text subtitle track (SubRip, ASS, \
            mov_text, WebVTT) when the file has one, without calling the provider. Finished \
            transcripts are cached under $XDG_CACHE_HOME/chatbot/transcripts, keyed by the file's \
            SHA-256, the provider, model and options; --force transcribes again.

            --info prints what the file holds (container, duration, streams and codecs, sample rate, \
            channels, resolution, frame rate, chapters, tags); with --json as one JSON object.

            Formats: txt (one segment per line), srt, vtt, json ({"text", "language", "duration", \
            "segments": [{"start", "end", "text"}]}). A progress line is shown on a terminal unless \
            --quiet. Exit status: 1 unreadable, damaged or refused media; 69 the speech server is not \
            reachable; 75 the provider failed temporarily after retries; 130 interrupted.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The audio or video file, or - for stdin.", valueName: "file"))
    var input: String

    @Option(help: ArgumentHelp("Output format: txt, srt, vtt or json.", valueName: "format"))
    var format: String = "txt"

    @Option(help: ArgumentHelp("The spoken language (ISO-639-1, e.g. en).", valueName: "code"))
    var language: String?

    @Option(help: ArgumentHelp("Text that guides the model: names, spellings, context.", valueName: "text"))
    var prompt: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the transcript to this file.", valueName: "path"))
    var output: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("The speech model (default: speech.model).", valueName: "model"))
    var model: String?

    @Flag(help: "Print the media's container, streams, chapters and tags instead of transcribing.")
    var info = false

    @Flag(help: "With --info: print JSON. Otherwise the same as --format json.")
    var json = false

    @Option(help: ArgumentHelp("Use this stream (see --info) instead of the best audio stream.", valueName: "n"))
    var stream: Int?

    @Flag(help: "Use an embedded text subtitle track as the transcript when there is one.")
    var useSubtitles = false

    @Flag(help: "Transcribe again even when the cache holds this file's transcript.")
    var force = false

    @Option(
        help: ArgumentHelp(
            "The longest window sent in one request (default: speech.window_seconds).", valueName: "seconds"))
    var windowSeconds: Double?

    @Option(help: ArgumentHelp("Windows sent at once (default: speech.parallel).", valueName: "n"))
    var parallel: Int?

    func validate() throws {
        guard TranscriptFormat(rawValue: format) != nil else {
            throw ValidationError("--format must be txt, srt, vtt or json")
        }
        if let windowSeconds, windowSeconds < 1 { throw ValidationError("--window-seconds must be at least 1") }
        if let parallel, parallel < 1 { throw ValidationError("--parallel must be at least 1") }
        if let stream, stream < 0 { throw ValidationError("--stream must be 0 or more") }
    }

    func run() async throws {
        let spooled = try MediaInput.open(input)
        defer { spooled.remove() }
        let source = MediaSource.file(spooled.path)
        if info {
            try printInfo(try MediaProbe.info(of: source), name: spooled.displayName)
            return
        }
        var overrides: [String: String] = [:]
        if let model { overrides["speech.model"] = model }
        let transcript = try await CommandContext.with(global, overrides: overrides) { context in
            try await transcribe(spooled, context: context)
        }
        let outputFormat = json ? TranscriptFormat.json : TranscriptFormat(rawValue: format) ?? .txt
        try emit(outputFormat.render(transcript))
    }

    private func transcribe(_ spooled: MediaInput, context: CommandContext) async throws -> Transcript {
        let settings = context.settings
        let speech = try settings.speechEndpoint()
        // Numbers from flags are applied here: the settings reader takes flag values as text.
        let service = try context.services.speech(
            windowSeconds: windowSeconds ?? speech.defaultWindowSeconds,
            parallelRequests: parallel ?? settings.speech.parallelRequests)
        let options = TranscriptionOptions(
            model: speech.model, language: language ?? settings.speech.language, prompt: prompt)
        let showProgress = StandardError.isTerminal && !global.quiet
        let quiet = global.quiet
        let name = spooled.displayName
        let services = context.services
        let logger = context.logger
        let (stream, useSubtitles, force) = (self.stream, self.useSubtitles, self.force)
        let task = Task {
            try await service.transcript(
                ofFile: spooled.path, options: options, stream: stream, useSubtitles: useSubtitles, force: force,
                prepareAudio: {
                    if service.endpoint.endpoint.isManagedLocal { try await services.ensureLocalServer(.speech) }
                },
                onEvent: { event in
                    switch event {
                    case .fromCache:
                        logger.debug("transcript from cache")
                    case .noSubtitleTrack:
                        if !quiet {
                            StandardError.write("chatbot: \(name) has no text subtitle track; transcribing the audio\n")
                        }
                    case .progress(let progress):
                        if showProgress { StandardError.write("\r\u{1B}[K" + Self.progressLine(progress)) }
                    }
                })
        }
        let signals = InterruptHandler { task.cancel() }
        let result = await task.result
        signals.cancel()
        if showProgress { StandardError.write("\r\u{1B}[K") }
        return try result.get()
    }

    private static func progressLine(_ progress: TranscriptionProgress) -> String {
        var line = "transcribing: "
        if let total = progress.totalSeconds, total > 0 {
            line += "\(min(100, Int(progress.decodedSeconds / total * 100)))% decoded, "
        } else {
            line += "\(Int(progress.decodedSeconds)) s decoded, "
        }
        return line + "\(progress.windowsDone)/\(progress.windowsSent) windows done"
    }

    private func emit(_ text: String) throws {
        guard let output else {
            StandardOutput.write(text)
            return
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            throw ChatbotError(.runtime, "cannot write \(output): \(error.localizedDescription)")
        }
    }

    private func printInfo(_ mediaInfo: MediaInfo, name: String) throws {
        if json {
            try JSONOutput.print(mediaInfo)
            return
        }
        var lines = ["file: \(name)", "container: \(mediaInfo.containerName) (\(mediaInfo.container))"]
        if let duration = mediaInfo.durationSeconds { lines.append("duration: \(Self.clock(duration))") }
        if let bitRate = mediaInfo.bitRate { lines.append("bit rate: \(bitRate / 1000) kb/s") }
        for stream in mediaInfo.streams {
            var parts = ["stream \(stream.index): \(stream.kind.rawValue) \(stream.codec)"]
            if let rate = stream.sampleRate { parts.append("\(rate) Hz") }
            if let channels = stream.channels { parts.append("\(channels) ch") }
            if let width = stream.width, let height = stream.height { parts.append("\(width)x\(height)") }
            if let fps = stream.frameRate { parts.append(String(format: "%.3g fps", fps)) }
            if let language = stream.language { parts.append("[\(language)]") }
            if stream.isAttachedPicture { parts.append("(cover image)") }
            if stream.index == mediaInfo.bestAudioStream { parts.append("(transcribed)") }
            lines.append(parts.joined(separator: ", "))
        }
        for (number, chapter) in mediaInfo.chapters.enumerated() {
            lines.append(
                "chapter \(number + 1): \(Self.clock(chapter.startSeconds))–\(Self.clock(chapter.endSeconds)) \(chapter.title ?? "")"
            )
        }
        for (key, value) in mediaInfo.tags.sorted(by: { $0.key < $1.key }) {
            lines.append("tag \(key): \(value)")
        }
        StandardOutput.write(lines.joined(separator: "\n") + "\n")
    }

    private static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.down))
        let fraction = Int(((seconds - Double(total)) * 1000).rounded())
        return String(format: "%02d:%02d:%02d.%03d", total / 3600, total / 60 % 60, total % 60, min(fraction, 999))
    }
}
