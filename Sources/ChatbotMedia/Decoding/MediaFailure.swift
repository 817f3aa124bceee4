import CFFmpegShim
import ChatbotCore
import Foundation

/// Turns the shim's error codes into one-line errors that name the file and the reason.
enum MediaFailure {
    static func message(code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        cbm_error_string(code, &buffer, buffer.count)
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func error(code: Int32, source: MediaSource, limits: MediaLimits) -> ChatbotError {
        let name = source.name
        switch Int(code) {
        case CBM_ERR_NOT_ALLOWED:
            let allowed = String(cString: cbm_allowed_formats()).replacingOccurrences(of: ",", with: ", ")
            return ChatbotError(
                .runtime,
                "\(name): this container format is not accepted (playlists, concat lists and other files that refer to further files are refused)",
                hint: "accepted containers: \(allowed); convert the file with ffmpeg first", reason: .unreadableMedia)
        case CBM_ERR_UNRECOGNISED:
            return ChatbotError(
                .runtime, "\(name): not a recognised audio or video file (or it is empty or truncated)",
                hint: "check the file; accepted: WAV, MP3, M4A/AAC, FLAC, OGG/Opus, MP4, MKV, WebM, MOV",
                reason: .unreadableMedia)
        case CBM_ERR_TOO_LONG:
            return ChatbotError(
                .runtime,
                "\(name): the media is longer than the allowed \(formatHours(limits.maxDurationSeconds))",
                hint: "cut it into parts with ffmpeg, or raise the limit", reason: .unreadableMedia)
        case CBM_ERR_DEADLINE:
            return ChatbotError(
                .runtime, "\(name): decoding took longer than the time limit of \(Int(limits.timeLimitSeconds ?? 0)) s",
                hint: "the file may be damaged or crafted to be slow")
        case CBM_ERR_CANCELLED:
            return ChatbotError(.interrupted, "\(name): decoding was cancelled")
        case CBM_ERR_UNAVAILABLE:
            return ChatbotError(
                .unavailable, "\(name): cannot decode media: \(message(code: code))",
                hint:
                    "install FFmpeg's libraries (Debian: libavformat59 libavcodec59 libswresample4), or run Scripts/setup"
            )
        case CBM_ERR_NO_STREAM:
            return ChatbotError(
                .usage, "\(name): no such stream", reason: .mediaStreamChoice)
        default:
            return ChatbotError(
                .runtime, "\(name): damaged or truncated media (\(message(code: code)))",
                hint: "check that the file is complete; re-encode it with ffmpeg if it plays elsewhere",
                reason: .unreadableMedia)
        }
    }

    private static func formatHours(_ seconds: Double) -> String {
        seconds >= 3600 ? "\(Int(seconds / 3600)) h" : "\(Int(seconds)) s"
    }
}
