import ChatbotAccounts
import ChatbotCore
import ChatbotJobs
import ChatbotServer
import ChatbotStorage
import ChatbotTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Uploads and the jobs that ingest them, through the API, with the server's own workers: a PDF
/// uploaded with curl's two forms (raw body, multipart), followed over SSE until done, then found by
/// search with a citation; hostile uploads refused with nothing stored; one user's uploads and
/// jobs invisible to another.
@Suite("chatbot serve: uploads and jobs")
struct ServerJobTests {
    static let boundary = "chatbot-test-boundary-7MA4YWxkTrZu0gW"

    static func multipart(_ data: Data, filename: String, fields: [String: String] = [:]) -> ByteBuffer {
        var body = ByteBuffer()
        for (name, value) in fields {
            body.writeString(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        body.writeString(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n")
        body.writeBytes(data)
        body.writeString("\r\n--\(boundary)--\r\n")
        return body
    }

    /// Uploads `data` as `filename` into `collection`, raw or as a form; the status and JSON answer.
    static func upload(
        _ fixture: ServerFixture, token: String, collection: String, filename: String, data: Data,
        multipart: Bool = false, idempotencyKey: String? = nil
    ) async throws -> (status: HTTPResponse.Status, json: [String: Any]) {
        var headers: HTTPFields = [.authorization: "Bearer \(token)"]
        if let idempotencyKey { headers[HTTPField.Name("Idempotency-Key")!] = idempotencyKey }
        let uri: String
        let body: ByteBuffer
        if multipart {
            headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
            uri = "/api/collections/\(collection)/documents"
            body = Self.multipart(data, filename: filename)
        } else {
            headers[.contentType] = "application/octet-stream"
            let name = filename.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? filename
            uri = "/api/collections/\(collection)/documents?filename=\(name)"
            body = ByteBuffer(bytes: data)
        }
        return try await fixture.client.execute(uri: uri, method: .post, headers: headers, body: body) { response in
            (response.status, (try? ServerFixture.json(response.body)) ?? [:])
        }
    }

    /// Follows `/api/jobs/{id}/events` to its `done` event and returns the events' names and the
    /// final job.
    static func follow(_ fixture: ServerFixture, token: String, job id: String) async throws -> (
        events: [String], job: [String: Any]
    ) {
        try await fixture.client.execute(
            uri: "/api/jobs/\(id)/events", method: .get, headers: [.authorization: "Bearer \(token)"]
        ) { response in
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/event-stream")
            let text = String(buffer: response.body)
            let events = text.split(separator: "\n").filter { $0.hasPrefix("event: ") }.map { String($0.dropFirst(7)) }
            let last = try #require(text.split(separator: "\n").last { $0.hasPrefix("data: ") })
            let job = try #require(
                try JSONSerialization.jsonObject(with: Data(last.dropFirst(6).utf8)) as? [String: Any])
            return (events, job)
        }
    }

    static func search(_ fixture: ServerFixture, token: String, _ query: String) async throws -> [[String: Any]] {
        try await fixture.client.execute(
            uri: "/api/search?q=\(query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query)",
            method: .get, headers: [.authorization: "Bearer \(token)"]
        ) { response in
            #expect(response.status == .ok, "search: \(response.status)")
            return try ServerFixture.json(response.body)["data"] as? [[String: Any]] ?? []
        }
    }

    /// What must not change when an upload is refused.
    struct StoreState: Equatable {
        var jobs: Int
        var documents: Int
        var objects: Set<String>
        var incoming: [String]
    }

    static func state(_ fixture: ServerFixture) async throws -> StoreState {
        let jobs = try await JobQueue(database: fixture.database).list(viewer: .everyone, limit: 500).count
        let documents = try await fixture.database.documents.collections().reduce(0) { $0 + $1.documents }
        var incoming: [String] = []
        if let folder = fixture.objects as? FileSystemObjectStore {
            incoming =
                (try? FileManager.default.contentsOfDirectory(
                    atPath: folder.root.appendingPathComponent(".incoming").path)) ?? []
        }
        return StoreState(
            jobs: jobs, documents: documents, objects: Set(try await fixture.objects.list()), incoming: incoming)
    }

    @Test(
        "a PDF uploaded raw and as a form: 202 with the job, SSE to done, searchable with a citation; once per content")
    func uploadAndSearch() async throws {
        try await ServerFixture.with(withWorkers: true) { fixture in
            try await fixture.addUser("alice")
            let alice = try await fixture.token("alice")
            let pdf = TestDocuments.pdf([
                "The aurora zeppelin manifest lists seventeen crates of brass telescopes.",
                "Each crate is stamped with the harbour master's seal.",
            ])
            let (status, accepted) = try await Self.upload(
                fixture, token: alice, collection: "manuals", filename: "manifest.pdf", data: pdf)
            #expect(status == .accepted, "\(accepted)")
            #expect(accepted["kind"] as? String == "ingest.upload")
            #expect(accepted["status"] as? String == "queued")
            let id = try #require(accepted["id"] as? String)

            let (events, done) = try await Self.follow(fixture, token: alice, job: id)
            #expect(events.last == "done")
            #expect(done["status"] as? String == "succeeded", "\(done)")
            let result = try #require(done["result"] as? [String: Any])
            let item = try #require((result["items"] as? [[String: Any]])?.first)
            #expect(item["status"] as? String == "added")
            #expect(item["format"] as? String == "pdf")
            #expect((item["chunks"] as? Int ?? 0) >= 1)

            let hits = try await Self.search(fixture, token: alice, "zeppelin telescopes")
            let hit = try #require(hits.first)
            #expect(hit["source"] as? String == "manifest.pdf")
            #expect(hit["collection"] as? String == "manuals")
            #expect((hit["citation"] as? String)?.contains("manifest.pdf") == true, "\(hit)")
            #expect((hit["text"] as? String)?.contains("zeppelin") == true)

            // Asked about, the answer cites the uploaded PDF (the local model answers).
            if ServerFixture.llamaURL != nil {
                let ask =
                    #"{"message":"What does the zeppelin manifest list?","collection":"manuals","max_tokens":8,"temperature":0}"#
                try await fixture.client.execute(
                    uri: "/api/conversations", method: .post, headers: ServerFixture.bearer(alice),
                    body: ByteBuffer(string: ask)
                ) { response in
                    #expect(response.status == .created)
                    let answer = try ServerFixture.json(response.body)
                    let source = (answer["sources"] as? [[String: Any]])?.first
                    #expect(source?["citation"] as? String == "manifest.pdf, page 1", "\(answer)")
                }
            }

            // The same file again, as a form: one document, reported unchanged.
            let (againStatus, again) = try await Self.upload(
                fixture, token: alice, collection: "manuals", filename: "manifest.pdf", data: pdf, multipart: true)
            #expect(againStatus == .accepted)
            let (_, second) = try await Self.follow(fixture, token: alice, job: try #require(again["id"] as? String))
            let secondItem = try #require(((second["result"] as? [String: Any])?["items"] as? [[String: Any]])?.first)
            #expect(secondItem["status"] as? String == "unchanged")
            // The same bytes under another name: a duplicate of the first, nothing added.
            let (_, renamed) = try await Self.upload(
                fixture, token: alice, collection: "manuals", filename: "copy.pdf", data: pdf)
            let (_, third) = try await Self.follow(fixture, token: alice, job: try #require(renamed["id"] as? String))
            let thirdItem = try #require(((third["result"] as? [String: Any])?["items"] as? [[String: Any]])?.first)
            #expect(thirdItem["status"] as? String == "duplicate")
            #expect(thirdItem["duplicate_of"] as? String == "manifest.pdf")
            #expect(try await fixture.database.documents.documents(collection: "manuals").count == 1)

            // An idempotency key answers a retried request with the first job.
            let docx = try TestDocuments.docx(["Quarterly pelican census: forty-two pelicans."])
            let (_, keyed) = try await Self.upload(
                fixture, token: alice, collection: "manuals", filename: "census.docx", data: docx,
                idempotencyKey: "census-1")
            let (_, retried) = try await Self.upload(
                fixture, token: alice, collection: "manuals", filename: "census.docx", data: docx,
                idempotencyKey: "census-1")
            #expect(keyed["id"] as? String == retried["id"] as? String)
            let (_, census) = try await Self.follow(fixture, token: alice, job: try #require(keyed["id"] as? String))
            #expect(census["status"] as? String == "succeeded")
            #expect(
                try await Self.search(fixture, token: alice, "pelican census").first?["source"] as? String
                    == "census.docx")

            // The job list shows them, newest first.
            try await fixture.client.execute(
                uri: "/api/jobs?status=succeeded", method: .get, headers: [.authorization: "Bearer \(alice)"]
            ) { response in
                let jobs = try ServerFixture.json(response.body)["data"] as? [[String: Any]] ?? []
                #expect(jobs.count == 4)
                #expect(jobs.last?["id"] as? String == id)
            }
        }
    }

    @Test(
        "hostile uploads are refused with the store unchanged: past the cap, a path, a lying extension, a cut connection, a zip bomb"
    )
    func hostileUploads() async throws {
        var options = ServerOptions(host: "127.0.0.1", port: 0)
        options.maxUploadBytes = 300_000
        try await ServerFixture.with(options: options, withWorkers: true) { fixture in
            try await fixture.addUser("mallory")
            let token = try await fixture.token("mallory")
            // An existing collection with one document, which nothing below may change.
            let (_, first) = try await Self.upload(
                fixture, token: token, collection: "inbox", filename: "ok.txt",
                data: Data("A harmless note about the garden shed.".utf8))
            _ = try await Self.follow(fixture, token: token, job: try #require(first["id"] as? String))
            let before = try await Self.state(fixture)
            #expect(before.documents == 1)

            // Past the size cap, raw and as a form: 413, nothing kept.
            let big = Data(repeating: UInt8(ascii: "a"), count: 400_000)
            for multipart in [false, true] {
                let (status, problem) = try await Self.upload(
                    fixture, token: token, collection: "inbox", filename: "big.txt", data: big, multipart: multipart)
                #expect(status == .contentTooLarge, "\(problem)")
                #expect((problem["detail"] as? String)?.contains("300 KB") == true, "\(problem)")
            }
            #expect(try await Self.state(fixture) == before)

            // A file name with a path in it.
            // (In a form, curl escapes a backslash as `\\`, which the parser undoes: the raw form tests it.)
            for (name, forms) in [
                ("../../etc/passwd", [false, true]), ("a/b.txt", [false, true]), ("..", [false, true]),
                (".hidden", [false, true]), ("evil\u{0}.txt", [false, true]), ("..\\..\\boot.ini", [false]),
            ] {
                for multipart in forms {
                    let (status, _) = try await Self.upload(
                        fixture, token: token, collection: "inbox", filename: name, data: Data("text".utf8),
                        multipart: multipart)
                    #expect(status == .badRequest, "\(name) (form: \(multipart)): \(status)")
                }
            }
            // Content that contradicts the extension: 415.
            let lies: [(String, Data)] = [
                ("report.pdf", try TestDocuments.docx(["not a pdf"])),
                ("notes.docx", TestDocuments.pdf(["not a docx"])),
                ("song.mp3", Data("just text".utf8)),
                ("readme.txt", Data([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00])),
                ("tool", Data([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00])),
            ]
            for (name, data) in lies {
                let (status, problem) = try await Self.upload(
                    fixture, token: token, collection: "inbox", filename: name, data: data)
                #expect(status == .unsupportedMediaType, "\(name): \(status) \(problem)")
            }
            #expect(try await Self.state(fixture) == before)

            // A connection closed in the middle of the body: no object, no job.
            let port = try #require(fixture.client.port)
            let head =
                "POST /api/collections/inbox/documents?filename=cut.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer \(token)\r\nContent-Type: text/plain\r\nContent-Length: 150000\r\n\r\n"
            try await Self.sendAndHangUp(port: port, head + String(repeating: "b", count: 70_000))
            // The server read what came, then the end of the connection, and stored nothing.
            let deadline = ContinuousClock.now + .seconds(30)
            while !fixture.logs.entries.contains(where: {
                $0.message == "Upload not stored" && $0.metadata["filename"] == "cut.txt"
            }), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(
                fixture.logs.entries.contains {
                    $0.message == "Upload not stored" && $0.metadata["filename"] == "cut.txt"
                })
            #expect(try await Self.state(fixture) == before)

            // A zip bomb named .docx: accepted as a ZIP, refused by its job for good; no document, and
            // its upload deleted.
            let bomb = try TestDocuments.zipBombDocx()
            #expect(bomb.count < 300_000)
            let (status, accepted) = try await Self.upload(
                fixture, token: token, collection: "inbox", filename: "bomb.docx", data: bomb)
            #expect(status == .accepted)
            let (_, job) = try await Self.follow(fixture, token: token, job: try #require(accepted["id"] as? String))
            #expect(job["status"] as? String == "failed", "\(job)")
            #expect((job["error"] as? String)?.contains("zip bomb") == true, "\(job)")
            #expect(job["attempts"] as? Int == 1, "not retried")
            var after = try await Self.state(fixture)
            #expect(after.jobs == before.jobs + 1)
            after.jobs = before.jobs
            #expect(after == before)
        }
    }

    @Test("one user's uploads and jobs do not exist for another: list, get, events, cancel, retry, search")
    func isolation() async throws {
        try await ServerFixture.with(withWorkers: true) { fixture in
            try await fixture.addUser("alice")
            try await fixture.addUser("bob")
            try await fixture.addUser("ada", role: .admin)
            let alice = try await fixture.token("alice")
            let bob = try await fixture.token("bob")
            let ada = try await fixture.token("ada")
            let (_, accepted) = try await Self.upload(
                fixture, token: bob, collection: "bob-private", filename: "plans.txt",
                data: Data("Bob's secret plan involves a marmalade submarine.".utf8))
            let id = try #require(accepted["id"] as? String)
            _ = try await Self.follow(fixture, token: bob, job: id)

            for (method, path) in [
                (HTTPRequest.Method.get, "/api/jobs/\(id)"), (.get, "/api/jobs/\(id)/events"),
                (.post, "/api/jobs/\(id)/cancel"), (.post, "/api/jobs/\(id)/retry"),
                (.get, "/api/collections/bob-private"),
            ] {
                try await fixture.client.execute(uri: path, method: method, headers: ServerFixture.bearer(alice)) {
                    #expect($0.status == .notFound, "\(method) \(path): \($0.status)")
                }
            }
            try await fixture.client.execute(uri: "/api/jobs", method: .get, headers: ServerFixture.bearer(alice)) {
                response in
                let jobs = try ServerFixture.json(response.body)["data"] as? [[String: Any]]
                #expect(jobs?.isEmpty == true)
            }
            #expect(try await Self.search(fixture, token: alice, "marmalade submarine").isEmpty)
            // Uploading into Bob's collection: it does not exist for Alice.
            let (status, _) = try await Self.upload(
                fixture, token: alice, collection: "bob-private", filename: "x.txt", data: Data("x".utf8))
            #expect(status == .notFound)
            // Bob and an admin see it.
            #expect(try await Self.search(fixture, token: bob, "marmalade submarine").count == 1)
            try await fixture.client.execute(uri: "/api/jobs/\(id)", method: .get, headers: ServerFixture.bearer(ada)) {
                #expect($0.status == .ok)
            }
            // The metrics: the queue's depth by kind and status, and this process's attempts.
            try await fixture.client.execute(uri: "/metrics", method: .get, headers: ServerFixture.bearer(ada)) {
                response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"chatbot_jobs{kind="ingest.upload",status="succeeded"} 1"#), "\(text)")
                #expect(text.contains(#"chatbot_jobs{kind="ingest.upload",status="queued"} 0"#))
                #expect(text.contains(#"chatbot_job_attempts_total{kind="ingest.upload",status="succeeded"} 1"#))
                #expect(text.contains(#"chatbot_job_duration_seconds_count{kind="ingest.upload"} 1"#))
            }
            // A finished job cannot be cancelled; a succeeded one not retried.
            try await fixture.client.execute(
                uri: "/api/jobs/\(id)/cancel", method: .post, headers: ServerFixture.bearer(bob)
            ) { #expect($0.status == .conflict) }
            try await fixture.client.execute(
                uri: "/api/jobs/\(id)/retry", method: .post, headers: ServerFixture.bearer(bob)
            ) { #expect($0.status == .conflict) }
        }
    }

    @Test("a URL job never reaches a private address; an operator-allowed test site is ingested")
    func urlJobs() async throws {
        let site = LocalTestSite()
        site.route(
            "/guide.html",
            .html(
                "<html><head><title>Kayak guide</title></head><body><main><h1>Kayak guide</h1>"
                    + "<p>Always carry a bilge pump when kayaking near the fjord cliffs.</p></main></body></html>"))
        let base = try await site.start()
        defer { Task { try? await site.shutdown() } }
        let hostPort = String(base.dropFirst("http://".count).prefix { $0 != "/" })
        var options = ServerOptions(host: "127.0.0.1", port: 0)
        options.fetchAllowedHostPorts = [hostPort]
        try await ServerFixture.with(options: options, withWorkers: true) { fixture in
            try await fixture.addUser("alice")
            let alice = try await fixture.token("alice")
            func add(_ url: String) async throws -> [String: Any] {
                let id = try await fixture.client.execute(
                    uri: "/api/collections/web/urls", method: .post, headers: ServerFixture.bearer(alice),
                    body: ByteBuffer(string: #"{"url":"\#(url)"}"#)
                ) { response in
                    #expect(response.status == .accepted)
                    return try #require(try ServerFixture.json(response.body)["id"] as? String)
                }
                return try await Self.follow(fixture, token: alice, job: id).job
            }
            for url in ["http://127.0.0.1:9/secret", "http://169.254.169.254/latest/meta-data", "http://[::1]:9/x"] {
                let job = try await add(url)
                #expect(job["status"] as? String == "failed", "\(url): \(job)")
                #expect(job["attempts"] as? Int == 1)
            }
            #expect(try await fixture.database.documents.collections().first { $0.name == "web" }?.documents == 0)
            let allowed = try await add(base + "/guide.html")
            #expect(allowed["status"] as? String == "succeeded", "\(allowed)")
            #expect(
                try await Self.search(fixture, token: alice, "bilge pump").first?["source"] as? String == base
                    + "/guide.html")
            try await fixture.client.execute(
                uri: "/api/collections/web/urls", method: .post, headers: ServerFixture.bearer(alice),
                body: ByteBuffer(string: #"{"url":"file:///etc/passwd"}"#)
            ) { #expect($0.status == .badRequest) }
        }
    }

    @Test(
        "a media upload to /api/transcriptions becomes a job whose result is the transcript",
        .enabled(if: ServerFixture.whisperURL != nil, "CHATBOT_TEST_WHISPER_URL is not set"))
    func transcription() async throws {
        let media = try MediaFixtures.shared
        let audio = try Data(contentsOf: URL(fileURLWithPath: media.path("speech.mp3")))
        try await ServerFixture.with(withWorkers: true) { fixture in
            try await fixture.addUser("alice")
            let alice = try await fixture.token("alice")
            let id = try await fixture.client.execute(
                uri: "/api/transcriptions?format=srt", method: .post,
                headers: [
                    .authorization: "Bearer \(alice)", .contentType: "multipart/form-data; boundary=\(Self.boundary)",
                ],
                body: Self.multipart(audio, filename: "speech.mp3", fields: ["language": "en"])
            ) { response in
                #expect(response.status == .accepted)
                return try #require(try ServerFixture.json(response.body)["id"] as? String)
            }
            let (_, job) = try await Self.follow(fixture, token: alice, job: id)
            #expect(job["status"] as? String == "succeeded", "\(job)")
            let result = try #require(job["result"] as? [String: Any])
            #expect((result["text"] as? String)?.lowercased().contains("fox") == true, "\(result)")
            #expect((result["transcript"] as? String)?.contains("-->") == true)
            let key = try #require((result["object"] as? [String: Any])?["key"] as? String)
            #expect(
                try await fixture.objects.get(key).map { String(decoding: $0, as: UTF8.self) } == result["transcript"]
                    as? String)
            // Text is not media.
            try await fixture.client.execute(
                uri: "/api/transcriptions?filename=notes.txt", method: .post,
                headers: [.authorization: "Bearer \(alice)"], body: ByteBuffer(string: "hello")
            ) { #expect($0.status == .unsupportedMediaType) }
        }
    }

    @Test("Expect: 100-continue is answered before the body, so curl sends a large upload at once")
    func expectContinue() async throws {
        try await ServerFixture.with(withWorkers: true) { fixture in
            try await fixture.addUser("alice")
            let alice = try await fixture.token("alice")
            let port = try #require(fixture.client.port)
            let head =
                "POST /api/collections/inbox/documents?filename=a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer \(alice)\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n"
                + "Expect: 100-continue\r\n\r\n"
            let (received, _) = try await ServerOperationsTests.exchange(port: port, send: head, waitUpTo: 2)
            #expect(received.hasPrefix("HTTP/1.1 100 Continue\r\n"), "\(received)")
        }
    }

    /// Sends `text` on a new connection and closes it at once (a client that dies mid-upload).
    static func sendAndHangUp(port: Int, _ text: String) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread {
                continuation.resume(
                    with: Result {
                        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                        var address = sockaddr_in()
                        address.sin_family = sa_family_t(AF_INET)
                        address.sin_addr.s_addr = inet_addr("127.0.0.1")
                        address.sin_port = UInt16(port).bigEndian
                        let connected = withUnsafePointer(to: &address) { pointer in
                            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                            }
                        }
                        guard connected else {
                            close(socket)
                            throw POSIXError(.ECONNREFUSED)
                        }
                        let bytes = Array(text.utf8)
                        var sent = 0
                        while sent < bytes.count {
                            let count = bytes[sent...].withUnsafeBufferPointer {
                                Foundation.send(socket, $0.baseAddress, $0.count, 0)
                            }
                            if count <= 0 { break }
                            sent += count
                        }
                        usleep(200_000)
                        close(socket)
                    })
            }.start()
        }
    }
}
