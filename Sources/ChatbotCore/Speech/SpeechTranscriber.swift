public import Foundation

/// A speech-to-text service that transcribes one short recording (a WAV file in memory).
///
/// Implementations speak one protocol (OpenAI-compatible `/audio/transcriptions`, Hugging Face
/// inference); long media is cut into windows and merged by the caller. Errors are
/// `ProviderError`s (from ChatbotProviders) so that retries can tell temporary failures apart.
public protocol SpeechTranscriber: Sendable {
    /// The largest upload the service accepts, in bytes.
    var uploadLimitBytes: Int { get }

    /// Transcribes `audio` (a WAV file); segment times are relative to its start.
    func transcribe(audio: Data, options: TranscriptionOptions) async throws -> Transcript
}
