import CFFmpegShim
import ChatbotCore

/// Decodes one audio stream of a media file to mono `Float` samples at a fixed rate (16 kHz by
/// default), chunk by chunk: memory stays bounded by one decoded frame however long the file is.
///
/// Pull chunks with ``next()`` until it returns `nil`. Not thread-safe: use it from one task.
/// A decode that ends well before the duration the container declared is reported as truncated.
public final class AudioDecoder {
    /// Output samples per second.
    public let sampleRate: Int
    /// The decoded stream's index in the container.
    public let streamIndex: Int
    /// What the file holds.
    public let info: MediaInfo
    private let handle: MediaHandle
    private let limits: MediaLimits
    private var finished = false

    /// Opens `source` and prepares to decode `stream` (or the best audio stream when `nil`).
    ///
    /// - Throws: `ChatbotError` naming the file: unreadable, refused container, no audio, bad stream.
    public init(
        source: MediaSource, stream: Int? = nil, sampleRate: Int = 16_000, limits: MediaLimits = MediaLimits()
    ) throws {
        handle = try MediaHandle(source, limits: limits)
        info = MediaProbe.describe(handle)
        self.sampleRate = sampleRate
        self.limits = limits
        let chosen: Int
        if let stream {
            guard let found = info.streams.first(where: { $0.index == stream }) else {
                throw ChatbotError(
                    .usage, "\(source.name) has no stream \(stream)",
                    hint: "it has streams 0…\(info.streams.count - 1)", reason: .mediaStreamChoice)
            }
            guard found.kind == .audio else {
                throw ChatbotError(
                    .usage, "stream \(stream) of \(source.name) is \(found.kind.rawValue), not audio",
                    hint: "choose an audio stream", reason: .mediaStreamChoice)
            }
            chosen = stream
        } else {
            guard let best = info.bestAudioStream else {
                throw ChatbotError(
                    .runtime, "\(source.name) has no audio stream",
                    hint: "a text subtitle track can be used instead", reason: .subtitlesAvailable)
            }
            chosen = best
        }
        streamIndex = chosen
        let code = cbm_audio_open(handle.pointer, Int32(chosen), Int32(sampleRate))
        guard code >= 0 else { throw MediaFailure.error(code: code, source: source, limits: limits) }
    }

    /// Seconds of audio decoded so far.
    public var decodedSeconds: Double {
        Double(cbm_audio_samples_produced(handle.pointer)) / Double(sampleRate)
    }

    /// The next chunk of samples, or `nil` at the end.
    ///
    /// - Throws: `ChatbotError` naming the file when the data is damaged, the media turns out
    ///   longer than the limits allow, the time limit passes, or it ends early (truncated).
    public func next() throws -> [Float]? {
        if finished { return nil }
        var pointer: UnsafePointer<Float>?
        let count = cbm_audio_next(handle.pointer, &pointer)
        if count < 0 { throw MediaFailure.error(code: count, source: handle.source, limits: limits) }
        if count == 0 {
            finished = true
            try checkComplete()
            return nil
        }
        if decodedSeconds > limits.maxDecodedSeconds {
            throw MediaFailure.error(code: Int32(CBM_ERR_TOO_LONG), source: handle.source, limits: limits)
        }
        guard let pointer else { return [] }
        return Array(UnsafeBufferPointer(start: pointer, count: Int(count)))
    }

    /// Stops a decode in progress from another thread: the next step fails as cancelled.
    public func cancel() { handle.cancel() }

    /// A stream that stops well short of the length the container declared lost its end.
    private func checkComplete() throws {
        let declared =
            info.streams.first { $0.index == streamIndex }?.durationSeconds ?? info.durationSeconds
        guard let declared, declared > 2 else { return }
        let decoded = decodedSeconds
        if decoded < declared * 0.9 - 0.5 {
            throw ChatbotError(
                .runtime,
                "\(handle.source.name): truncated media: the audio ends at \(format(decoded)) s of the declared \(format(declared)) s",
                hint: "the file is incomplete; download or copy it again")
        }
    }

    private func format(_ seconds: Double) -> String {
        String(Double((seconds * 10).rounded()) / 10)
    }
}
