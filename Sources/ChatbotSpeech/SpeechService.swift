public import AsyncHTTPClient
public import ChatbotCore
public import ChatbotMedia
public import ChatbotProviders
public import Foundation
public import Logging

/// The configured speech provider, ready to transcribe: the client for its protocol, windowing,
/// retries and the transcript cache. Shared by `chatbot transcribe`, ingest of audio and video,
/// and `ask` with media input.
public struct SpeechService: Sendable {
    /// Where requests go.
    public let endpoint: SpeechEndpoint
    /// The longest window sent in one request, in seconds.
    public let windowSeconds: Double
    /// Windows in flight at once.
    public let parallelRequests: Int
    /// The cache of finished transcripts.
    public let cache: TranscriptCache
    private let client: any SpeechTranscriber
    private let retry: RetryPolicy
    private let logger: Logger

    /// Builds the service from `settings`. The caller owns `httpClient` (give it
    /// ``httpTimeouts(settings:windowSeconds:)``) and starts the managed local server when
    /// ``SpeechEndpoint/endpoint`` is managed.
    public init(
        settings: ChatbotSettings, endpoint: SpeechEndpoint, httpClient: HTTPClient, windowSeconds: Double? = nil,
        parallelRequests: Int? = nil, logger: Logger
    ) {
        self.endpoint = endpoint
        let window = windowSeconds ?? endpoint.defaultWindowSeconds
        self.windowSeconds = window
        self.parallelRequests = parallelRequests ?? settings.speech.parallelRequests
        let timeouts = Self.httpTimeouts(settings: settings, windowSeconds: window)
        switch endpoint.wireProtocol {
        case .openai:
            client = OpenAITranscriptionClient(
                endpoint: endpoint.endpoint, httpClient: httpClient, timeouts: timeouts,
                uploadLimitBytes: settings.speech.uploadLimitBytes)
        case .huggingface:
            client = HuggingFaceTranscriptionClient(
                endpoint: endpoint.endpoint, httpClient: httpClient, timeouts: timeouts,
                uploadLimitBytes: settings.speech.uploadLimitBytes)
        }
        retry = RetryPolicy(maxAttempts: settings.maxAttempts)
        cache = TranscriptCache(
            directory: URL(fileURLWithPath: XDGDirectories(environment: ProcessInfo.processInfo.environment).cacheHome)
                .appendingPathComponent("chatbot/transcripts"))
        self.logger = logger
    }

    /// Timeouts for transcription requests: a window may take minutes on a slow server.
    public static func httpTimeouts(settings: ChatbotSettings, windowSeconds: Double) -> ProviderTimeouts {
        ProviderTimeouts(
            connect: .milliseconds(Int(settings.connectTimeout * 1000)),
            idle: .milliseconds(Int(settings.idleTimeout * 1000)),
            request: .seconds(max(600, windowSeconds * 2)))
    }

    /// The cache key of transcribing the file at `path` with `options` (content hash plus every
    /// setting that changes the result).
    public func cacheKey(ofFile path: String, options: TranscriptionOptions, stream: Int?, subtitles: Bool)
        async throws -> String
    {
        TranscriptCache.key(
            contentDigest: try await TranscriptCache.digest(ofFile: path),
            parts: [
                endpoint.endpoint.baseURL, endpoint.wireProtocol.rawValue, options.model, options.language ?? "",
                options.prompt ?? "", stream.map(String.init) ?? "best", subtitles ? "subtitles" : "audio",
                String(windowSeconds),
            ])
    }

    /// Transcribes the audio of `source` in windows, merged into one transcript.
    public func transcribe(
        _ source: MediaSource, stream: Int?, options: TranscriptionOptions,
        onProgress: (@Sendable (TranscriptionProgress) -> Void)? = nil
    ) async throws -> Transcript {
        let transcriber = WindowedTranscriber(
            transcriber: client, options: options, maxWindowSeconds: windowSeconds,
            parallelRequests: parallelRequests, retry: retry, logger: logger)
        return try await transcriber.transcribe(source, stream: stream, progress: onProgress)
    }

    /// The transcript of the file at `path`: from the cache when it holds one, else transcribed
    /// (and cached).
    public func cachedTranscript(ofFile path: String, options: TranscriptionOptions) async throws -> Transcript {
        try await transcript(ofFile: path, options: options)
    }
}
