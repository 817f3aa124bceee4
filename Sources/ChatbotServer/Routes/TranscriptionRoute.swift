import ChatbotAccounts
import ChatbotCore
import ChatbotDocuments
import ChatbotServices
import ChatbotSpeech
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOPosix

/// `POST /v1/audio/transcriptions`, as OpenAI's: a `multipart/form-data` body with `file` (any
/// audio or video FFmpeg reads), `model` (accepted; the configured speech model answers),
/// `language`, `prompt` and `response_format` (`json`, `text`, `srt`, `vtt`, `verbose_json`).
/// The transcript goes through the same ``SpeechService`` as `chatbot transcribe`: windows,
/// retries and the transcript cache. Uploads past 25 MB (OpenAI's limit) answer 413.
struct TranscriptionRoute {
    let services: ChatbotServices

    /// OpenAI's upload limit.
    static let maxUploadBytes = 25 * 1_000_000

    func register(_ group: RouterGroup<ServerContext>) {
        group.post("/audio/transcriptions") { request, context in try await transcribe(request, context) }
    }

    /// The fields of the form; the file's bytes apart.
    struct Form {
        var fields: [String: String] = [:]
        var file: ByteBuffer?
        var fileName: String?
    }

    private func transcribe(_ request: Request, _ context: ServerContext) async throws -> Response {
        _ = try context.require(.chat)
        guard let contentType = request.headers[.contentType],
            let boundary = MultipartReader.boundary(contentType: contentType)
        else {
            throw ServerError.badRequest("send multipart/form-data with a file field")
        }
        let form = try await Self.read(request.body, boundary: boundary)
        guard let file = form.file, file.readableBytes > 0 else {
            throw ServerError.badRequest("the form has no file (a field named 'file' with a filename)")
        }
        let format = form.fields["response_format"] ?? "json"
        guard ["json", "text", "srt", "vtt", "verbose_json"].contains(format) else {
            throw ServerError.badRequest("response_format is one of json, text, srt, vtt, verbose_json")
        }
        let language = form.fields["language"].flatMap { $0.isEmpty ? nil : String($0.prefix(16)) }
        let prompt = form.fields["prompt"].flatMap { $0.isEmpty ? nil : String($0.prefix(2000)) }

        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("chatbot-upload-\(UUID().uuidString)\(UploadSniffer.safeExtension(form.fileName))")
            .path
        try await NIOThreadPool.singleton.runIfActive {
            try Data(file.readableBytesView).write(to: URL(fileURLWithPath: path), options: .atomic)
        }
        defer { try? FileManager.default.removeItem(atPath: path) }

        do {
            let transcript = try await services.transcript(ofFile: path, language: language, prompt: prompt)
            return try Self.response(transcript, format: format)
        } catch let error as ChatbotError where error.reason == .unreadableMedia {
            // The upload is the client's input: a 400, not a server failure.
            throw ChatbotError(
                .usage,
                error.message.replacingOccurrences(of: path, with: form.fileName ?? "the file")
                    .replacingOccurrences(of: (path as NSString).lastPathComponent, with: form.fileName ?? "the file"),
                hint: error.hint)
        }
    }

    static func response(_ transcript: Transcript, format: String) throws -> Response {
        func text(_ body: String, _ type: String) -> Response {
            Response(
                status: .ok, headers: [.contentType: type], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
        }
        switch format {
        case "text": return text(transcript.text + "\n", "text/plain; charset=utf-8")
        case "srt": return text(TranscriptFormat.srt.render(transcript), "application/x-subrip")
        case "vtt": return text(TranscriptFormat.vtt.render(transcript), "text/vtt")
        case "verbose_json":
            let segments: [[String: Any]] = transcript.segments.enumerated().map { index, segment in
                ["id": index, "start": segment.start, "end": segment.end, "text": segment.text]
            }
            var object: [String: Any] = ["task": "transcribe", "text": transcript.text, "segments": segments]
            if let language = transcript.language { object["language"] = language }
            if let duration = transcript.duration { object["duration"] = duration }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            return text(String(decoding: data, as: UTF8.self), "application/json")
        default:
            let data = try JSONSerialization.data(withJSONObject: ["text": transcript.text])
            return text(String(decoding: data, as: UTF8.self), "application/json")
        }
    }

    /// Reads the form as it arrives: the file part into memory up to ``maxUploadBytes`` (413 past
    /// it, before the rest is read), the other fields up to 4 KiB each.
    static func read(_ body: RequestBody, boundary: String) async throws -> Form {
        var reader = MultipartReader(boundary: boundary)
        var form = Form()
        var field: String?
        var value = ByteBuffer()
        var total = 0
        for try await chunk in body {
            total += chunk.readableBytes
            guard total <= maxUploadBytes + 64 * 1024 else {
                throw ChatbotError(.tooLarge, "the upload is larger than 25 MB")
            }
            let events: [MultipartReader.Event]
            do {
                events = try reader.feed(chunk)
            } catch {
                throw ServerError.badRequest("the multipart body is malformed")
            }
            for event in events {
                switch event {
                case .part(let headers):
                    let disposition = headers.first { $0.name == "content-disposition" }?.value ?? ""
                    field = MultipartReader.parameter("name", in: disposition)
                    if field == "file" { form.fileName = MultipartReader.parameter("filename", in: disposition) }
                    value = ByteBuffer()
                case .body(var bytes):
                    if field == "file" {
                        guard value.readableBytes + bytes.readableBytes <= maxUploadBytes else {
                            throw ChatbotError(.tooLarge, "the file is larger than 25 MB")
                        }
                    } else if value.readableBytes + bytes.readableBytes > 4096 {
                        throw ServerError.badRequest("form fields are at most 4 KiB")
                    }
                    value.writeBuffer(&bytes)
                case .end:
                    if let name = field {
                        if name == "file" { form.file = value } else { form.fields[name] = String(buffer: value) }
                    }
                    field = nil
                    value = ByteBuffer()
                }
            }
        }
        do {
            try reader.finish()
        } catch {
            throw ServerError.badRequest("the multipart body ends before its closing boundary")
        }
        return form
    }
}
