public import ChatbotCore
public import ChatbotMedia
public import ChatbotProviders
public import Foundation
public import Logging

/// Transcribes media of any length: decodes it as a stream to 16 kHz mono, cuts it into windows
/// at quiet points (each under the provider's upload limit), encodes each as WAV, sends up to
/// ``parallelRequests`` at once with retries, and merges the answers with shifted timestamps
/// into one continuous transcript. Memory holds at most `parallelRequests + 1` windows.
public struct WindowedTranscriber: Sendable {
    /// The service that transcribes one window.
    public var transcriber: any SpeechTranscriber
    /// Model, language and prompt sent with every window.
    public var options: TranscriptionOptions
    /// The longest window in seconds (further capped by the upload limit).
    public var maxWindowSeconds: Double
    /// How many windows are in flight at once.
    public var parallelRequests: Int
    /// Retries of a failed window (temporary failures only).
    public var retry: RetryPolicy
    /// Decoding limits.
    public var limits: MediaLimits
    private let logger: Logger

    /// The sample rate windows are encoded at.
    public static let sampleRate = 16_000

    /// Creates a transcriber.
    public init(
        transcriber: any SpeechTranscriber, options: TranscriptionOptions, maxWindowSeconds: Double = 600,
        parallelRequests: Int = 2, retry: RetryPolicy = RetryPolicy(), limits: MediaLimits = MediaLimits(),
        logger: Logger
    ) {
        self.transcriber = transcriber
        self.options = options
        self.maxWindowSeconds = maxWindowSeconds
        self.parallelRequests = max(1, parallelRequests)
        self.retry = retry
        self.limits = limits
        self.logger = logger
    }

    /// The window policy in effect: ``maxWindowSeconds``, or less when the upload limit demands.
    public var policy: WindowPolicy {
        WindowPolicy.fitting(
            uploadLimitBytes: transcriber.uploadLimitBytes, sampleRate: Self.sampleRate, maxSeconds: maxWindowSeconds)
    }

    /// Transcribes the audio `stream` (or the best one) of `source`.
    ///
    /// - Throws: `ChatbotError` for media problems, `ProviderError` when a window fails after its retries.
    public func transcribe(
        _ source: MediaSource, stream: Int? = nil,
        progress: (@Sendable (TranscriptionProgress) -> Void)? = nil
    ) async throws -> Transcript {
        let decoder = try AudioDecoder(source: source, stream: stream, sampleRate: Self.sampleRate, limits: limits)
        let total =
            decoder.info.streams.first { $0.index == decoder.streamIndex }?.durationSeconds
            ?? decoder.info.durationSeconds
        var windower = AudioWindower(policy: policy, sampleRate: Self.sampleRate)
        let transcriber = self.transcriber
        let options = self.options
        let retry = self.retry
        let logger = self.logger
        let limit = parallelRequests

        let parts = try await withThrowingTaskGroup(of: (Int, TranscriptMerger.Part).self) { group in
            var results: [Int: TranscriptMerger.Part] = [:]
            var sent = 0
            func report() {
                progress?(
                    TranscriptionProgress(
                        decodedSeconds: decoder.decodedSeconds, totalSeconds: total, windowsSent: sent,
                        windowsDone: results.count))
            }
            func submit(_ window: AudioWindow) async throws {
                while sent - results.count >= limit {
                    if let (index, part) = try await group.next() { results[index] = part }
                    report()
                }
                let wav = WAVEncoder.encode(window.samples, sampleRate: window.sampleRate)
                let offset = window.startSeconds
                let duration = window.durationSeconds
                let index = window.index
                logger.debug(
                    "sending window",
                    metadata: [
                        "index": "\(index)", "start": "\(offset)", "seconds": "\(duration)", "bytes": "\(wav.count)",
                    ])
                group.addTask {
                    let transcript = try await Self.send(wav, transcriber: transcriber, options: options, retry: retry)
                    return (index, TranscriptMerger.Part(offset: offset, duration: duration, transcript: transcript))
                }
                sent += 1
                report()
            }
            while let chunk = try decoder.next() {
                try Task.checkCancellation()
                for window in windower.append(chunk) { try await submit(window) }
            }
            if let last = windower.finish() { try await submit(last) }
            while let (index, part) = try await group.next() {
                results[index] = part
                report()
            }
            return results.sorted { $0.key < $1.key }.map(\.value)
        }
        return TranscriptMerger.merge(parts, duration: decoder.decodedSeconds)
    }

    /// Sends one window, retrying temporary failures as the policy allows.
    public static func send(
        _ wav: Data, transcriber: any SpeechTranscriber, options: TranscriptionOptions, retry: RetryPolicy
    ) async throws -> Transcript {
        try await retry.run { try await transcriber.transcribe(audio: wav, options: options) }
    }
}
