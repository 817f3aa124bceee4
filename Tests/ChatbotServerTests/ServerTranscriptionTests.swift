import AsyncHTTPClient
import ChatbotAccounts
import ChatbotTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import Testing

/// `POST /v1/audio/transcriptions` as curl sends it (`-F file=@speech.wav -F model=whisper-1`),
/// against the real faster-whisper server; and the forms it refuses.
@Suite("chatbot serve: /v1/audio/transcriptions")
struct ServerTranscriptionTests {
    static let boundary = "chatbot-test-boundary-7c1f"

    static func form(file: Data?, fileName: String = "speech.wav", fields: [String: String] = [:]) -> ByteBuffer {
        var body = Data()
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        if let file {
            body += Data(
                ("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(fileName)\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n").utf8)
            body += file + Data("\r\n".utf8)
        }
        body += Data("--\(boundary)--\r\n".utf8)
        return ByteBuffer(bytes: body)
    }

    static func headers(_ key: String) -> HTTPFields {
        [.authorization: "Bearer \(key)", .contentType: "multipart/form-data; boundary=\(boundary)"]
    }

    @Test(
        "a WAV answers its words as json, text, srt and verbose_json",
        .enabled(if: ServerFixture.whisperURL != nil, "CHATBOT_TEST_WHISPER_URL is not set"))
    func formats() async throws {
        let audio = try Data(contentsOf: URL(fileURLWithPath: MediaFixtures.shared.path("speech.wav")))
        try await ServerFixture.with { fixture in
            let user = try await fixture.addUser("tess")
            let key = try await fixture.keys.create(owner: user.name, scopes: [.chat], by: fixture.admin).secret
            // Whisper on two busy cores can take longer than the test client waits: a client of its own.
            let port = try #require(fixture.client.port)
            func post(_ fields: [String: String]) async throws -> (status: HTTPResponseStatus, body: String) {
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/audio/transcriptions")
                request.method = .POST
                for field in Self.headers(key) { request.headers.add(name: field.name.rawName, value: field.value) }
                request.body = .bytes(Self.form(file: audio, fields: fields))
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(300))
                return (response.status, String(buffer: try await response.body.collect(upTo: 1 << 20)))
            }
            let json = try await post(["model": "whisper-1"])
            #expect(json.status == .ok)
            let text = json.body.lowercased()
            #expect(text.contains("fox") && text.contains("sea") && text.contains("station"), "\(text)")
            #expect(text.hasPrefix("{\"text\":"))

            for (format, mark) in [("text", "fox"), ("srt", " --> "), ("vtt", "WEBVTT"), ("verbose_json", "segments")] {
                let answer = try await post(["model": "whisper-1", "response_format": format])
                #expect(answer.status == .ok, "\(format)")
                #expect(answer.body.lowercased().contains(mark.lowercased()), "\(format): \(answer.body)")
            }
        }
    }

    @Test("no file, a form that is not multipart, an unknown format or a file that is not media: 4xx in OpenAI's shape")
    func refusals() async throws {
        try await ServerFixture.with { fixture in
            let user = try await fixture.addUser("rex")
            let key = try await fixture.keys.create(owner: user.name, scopes: [.chat], by: fixture.admin).secret
            let cases: [(String, HTTPFields, ByteBuffer, HTTPResponse.Status)] = [
                ("no file", Self.headers(key), Self.form(file: nil, fields: ["model": "whisper-1"]), .badRequest),
                (
                    "JSON", [.authorization: "Bearer \(key)", .contentType: "application/json"],
                    ByteBuffer(string: #"{"file":"x"}"#), .badRequest
                ),
                (
                    "format", Self.headers(key),
                    Self.form(file: Data("RIFF".utf8), fields: ["response_format": "docx"]), .badRequest
                ),
                (
                    "broken", Self.headers(key), ByteBuffer(string: "--\(Self.boundary)\r\nno headers end"),
                    .badRequest
                ),
                // Schemathesis found these: bytes past ASCII where a header name was due trapped a
                // multipart parser and took the whole server down.
                (
                    "no headers, not ASCII", Self.headers(key),
                    ByteBuffer(string: "--\(Self.boundary)\r\n𝕋𝕙𝕖 𝕢𝕦𝕚𝕔𝕜 𝕓𝕣𝕠𝕨𝕟 𝕗𝕠𝕩--\(Self.boundary)--\r\n"), .badRequest
                ),
                (
                    "header name not ASCII", Self.headers(key),
                    ByteBuffer(
                        bytes: Array("--\(Self.boundary)\r\n".utf8) + [
                            0xF0, 0x9D, 0x95, 0x8B, 0x3A, 0x20, 0x78, 0x0D, 0x0A,
                        ]
                            + Array("\r\nx\r\n--\(Self.boundary)--\r\n".utf8)), .badRequest
                ),
                (
                    "no closing boundary", Self.headers(key),
                    ByteBuffer(
                        string:
                            "--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n\r\nRIFF"
                    ),
                    .badRequest
                ),
            ]
            for (label, headers, body, status) in cases {
                try await fixture.client.execute(
                    uri: "/v1/audio/transcriptions", method: .post, headers: headers, body: body
                ) { response in
                    #expect(response.status == status, "\(label): \(response.status) \(String(buffer: response.body))")
                    let error = try ServerFixture.json(response.body)["error"] as? [String: Any]
                    #expect(error?["message"] is String, "\(label): not OpenAI's error shape")
                }
            }
            if ServerFixture.whisperURL != nil {
                try await fixture.client.execute(
                    uri: "/v1/audio/transcriptions", method: .post, headers: Self.headers(key),
                    body: Self.form(file: Data(repeating: 0x41, count: 4096), fileName: "notes.mp3")
                ) { response in
                    #expect(response.status == .badRequest, "not media: \(response.status)")
                    let message = (try ServerFixture.json(response.body)["error"] as? [String: Any])?["message"]
                    #expect((message as? String)?.contains("not a recognised audio or video file") == true)
                    #expect((message as? String)?.contains("chatbot-upload") == false, "the server's path leaked")
                }
            }
            // Without a credential: 401, before the body is read.
            try await fixture.client.execute(
                uri: "/v1/audio/transcriptions", method: .post,
                headers: [.contentType: "multipart/form-data; boundary=\(Self.boundary)"],
                body: Self.form(file: Data("x".utf8))
            ) { #expect($0.status == .unauthorized) }
        }
    }
}
