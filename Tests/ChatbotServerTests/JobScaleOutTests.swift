import AsyncHTTPClient
import ChatbotCore
import ChatbotJobs
import ChatbotStorage
import ChatbotTestSupport
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SQLKit
import Synchronization
import Testing

/// The deployment SERVER.md describes, end to end with the built binary: two `serve` and three
/// `worker` processes on one PostgreSQL and one S3-protocol store (moto), 60 uploads (PDF, DOCX,
/// HTML and MP4 videos with speech) through both servers, one worker SIGKILLed twice while it
/// holds a job. Every job must end `succeeded`, no document or chunk twice, every upload found
/// by search with a citation.
@Suite(
    "jobs: scale-out with killed workers",
    .enabled(if: ChatbotBinary.path != nil, "the chatbot binary is not built"),
    .enabled(if: PostgresScratchDatabase.serverURL != nil, "CHATBOT_TEST_POSTGRES_URL is not set"),
    .enabled(if: ProcessInfo.processInfo.environment["CHATBOT_TEST_S3_URL"] != nil, "CHATBOT_TEST_S3_URL is not set"),
    .enabled(if: ServerFixture.whisperURL != nil, "CHATBOT_TEST_WHISPER_URL is not set"))
struct JobScaleOutTests {
    /// A running `chatbot` process with its stderr in a file.
    final class Running: Sendable {
        let process: Process
        let log: String

        init(process: Process, log: String) {
            self.process = process
            self.log = log
        }

        var pid: Int32 { process.processIdentifier }
        var output: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

        func kill() {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        func stop() {
            guard process.isRunning else { return }
            process.terminate()
            let deadline = Date().addingTimeInterval(15)
            while process.isRunning, Date() < deadline { usleep(50_000) }
            if process.isRunning { kill() }
        }
    }

    /// The deployment's directory, configuration and environment.
    struct Deployment {
        let directory: String
        let environment: [String: String]

        init(databaseURL: String) throws {
            directory =
                FileManager.default.temporaryDirectory
                .appendingPathComponent("chatbot-scale-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let environment = ProcessInfo.processInfo.environment
            let s3 = try #require(environment["CHATBOT_TEST_S3_URL"])
            // A prefix of its own in the test bucket.
            let objectStore = s3.replacingOccurrences(
                of: "s3://chatbot-test/objects", with: "s3://chatbot-test/scale-\(UUID().uuidString.prefix(8))")
            let embeddings =
                ServerFixture.embeddingsURL.map {
                    "embeddings: {provider: local, model: multilingual-e5-small, base_url: \"\($0)\", input_type: true}"
                } ?? "embeddings: {provider: none}"
            let config = """
                data_dir: \(directory)/data
                database_url: "\(databaseURL)"
                object_store: "\(objectStore)"
                speech: {model: tiny.en, base_url: "\(ServerFixture.whisperURL ?? "")", language: en}
                \(embeddings)

                """
            try config.write(toFile: "\(directory)/config.yaml", atomically: true, encoding: .utf8)
            var variables = [
                "HOME": directory, "XDG_CONFIG_HOME": "\(directory)/xdg", "XDG_DATA_HOME": "\(directory)/xdg",
                "XDG_CACHE_HOME": "\(directory)/cache", "CHATBOT_CONFIG": "\(directory)/config.yaml",
                "PATH": "/usr/bin:/bin",
            ]
            for name in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"] {
                variables[name] = environment[name]
            }
            self.environment = variables
        }

        func start(_ arguments: [String], name: String) throws -> Running {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try #require(ChatbotBinary.path))
            process.arguments = arguments
            process.environment = environment
            let log = "\(directory)/\(name).log"
            FileManager.default.createFile(atPath: log, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            process.standardError = handle
            process.standardOutput = handle
            try process.run()
            return Running(process: process, log: log)
        }

        /// Runs the binary to its end; its exit status and stdout.
        func run(_ arguments: [String], input: String = "") throws -> (status: Int32, stdout: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try #require(ChatbotBinary.path))
            process.arguments = arguments
            process.environment = environment
            let stdin = Pipe()
            let stdout = Pipe()
            process.standardInput = stdin
            process.standardOutput = stdout
            process.standardError = FileHandle.nullDevice
            try process.run()
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
            let output = stdout.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: output, as: UTF8.self))
        }

        /// `chatbot serve` on a free port, once it says where it listens.
        func serve(name: String) async throws -> (Running, Int) {
            let running = try start(["serve", "--port", "0", "--workers", "0", "--access-log", "off"], name: name)
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline {
                if let range = running.output.range(
                    of: #"listening on http://127\.0\.0\.1:(\d+)"#, options: .regularExpression),
                    let port = Int(running.output[range].split(separator: ":").last ?? "")
                {
                    return (running, port)
                }
                guard running.process.isRunning else { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            Issue.record("serve did not start: \(running.output)")
            throw ChatbotError(.unavailable, "serve did not start")
        }

        func worker(name: String) throws -> Running {
            try start(["worker", "--concurrency", "2", "--lease", "4", "--grace", "2"], name: name)
        }
    }

    /// One upload: its name, bytes and a word only it contains (nil for the videos, which all say
    /// the same script).
    struct Upload: Sendable {
        var name: String
        var data: Data
        var word: String?
    }

    static func uploads() throws -> [Upload] {
        var uploads: [Upload] = []
        let media = try MediaFixtures.shared
        // The videos first: they take longest, so the worker that is killed is likely holding one.
        for index in 0..<5 {
            let output = media.path("scale-\(index).mp4")
            if !FileManager.default.fileExists(atPath: output) {
                try media.run(
                    "ffmpeg",
                    [
                        "-hide_banner", "-loglevel", "error", "-y", "-i", media.path("video.mp4"), "-c", "copy",
                        "-metadata", "comment=scale-out variant \(index)", output,
                    ])
            }
            uploads.append(
                Upload(name: "talk-\(index).mp4", data: try Data(contentsOf: URL(fileURLWithPath: output)), word: nil))
        }
        let words = ["amber", "basalt", "cobalt", "dune", "ember", "fjord", "glacier", "harbor", "indigo", "juniper"]
        for index in 0..<55 {
            let word =
                "\(words[index % words.count])\(["quartz", "zephyr", "walrus", "yonder", "vortex", "umbra"][index % 6])\(index)"
            let sentence = "The inventory code \(word) marks crate \(index) in the northern warehouse."
            switch index % 3 {
            case 0:
                uploads.append(Upload(name: "report-\(index).pdf", data: TestDocuments.pdf([sentence]), word: word))
            case 1:
                uploads.append(
                    Upload(name: "memo-\(index).docx", data: try TestDocuments.docx([sentence]), word: word))
            default:
                uploads.append(
                    Upload(
                        name: "page-\(index).html",
                        data: TestDocuments.html(title: "Warehouse page \(index)", [sentence]), word: word))
            }
        }
        return uploads
    }

    static func request(
        _ method: HTTPMethod, port: Int, _ path: String, key: String, body: Data? = nil
    ) async throws -> (status: Int, json: [String: Any]) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/octet-stream")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let collected = try await response.body.collect(upTo: 16 << 20)
        let json = (try? JSONSerialization.jsonObject(with: Data(collected.readableBytesView))) as? [String: Any]
        return (Int(response.status.code), json ?? [:])
    }

    @Test("2 serve + 3 worker processes, 60 uploads, a worker killed twice mid-job: every job once, nothing twice")
    func scaleOut() async throws {
        let server = try #require(PostgresScratchDatabase.serverURL)
        let databaseURL = try await PostgresScratchDatabase.create(on: server)
        let deployment = try Deployment(databaseURL: databaseURL)
        var processes: [Running] = []
        defer {
            for process in processes { process.stop() }
            try? FileManager.default.removeItem(atPath: deployment.directory)
        }
        #expect(try deployment.run(["migrate", "up"]).status == 0)
        #expect(
            try deployment.run(
                ["users", "add", "ops", "--role", "admin", "--password-stdin"], input: "scale-out-password\n"
            ).status == 0)
        let key = try #require(
            try deployment.run(["keys", "create", "--user", "ops", "--name", "scale"]).stdout
                .split(separator: "\n").first.map(String.init))

        let (serveA, portA) = try await deployment.serve(name: "serve-a")
        processes.append(serveA)
        let (serveB, portB) = try await deployment.serve(name: "serve-b")
        processes.append(serveB)

        // Every upload, through both servers, before any worker runs: the queue is full when they start.
        let uploads = try Self.uploads()
        var jobs: [String: String] = [:]
        for (index, upload) in uploads.enumerated() {
            let port = index.isMultiple(of: 2) ? portA : portB
            let (status, job) = try await Self.request(
                .POST, port: port, "/api/collections/warehouse/documents?filename=\(upload.name)", key: key,
                body: upload.data)
            #expect(status == 202, "\(upload.name): \(status) \(job)")
            jobs[upload.name] = try #require(job["id"] as? String)
        }
        #expect(Set(jobs.values).count == 60)

        let store = try await PostgresDatabaseStore.open(
            try PostgresConnectionSettings(url: databaseURL), logger: Logger(label: "scale-out"), maxConnections: 2)
        defer { Task { try? await store.close() } }
        let queue = JobQueue(database: store)

        var victim = try deployment.worker(name: "worker-1")
        processes.append(victim)
        processes.append(try deployment.worker(name: "worker-2"))
        processes.append(try deployment.worker(name: "worker-3"))

        // Twice: wait until the first worker holds a running job, SIGKILL it, start it again.
        var killedJobs: Set<String> = []
        for round in 1...2 {
            let deadline = ContinuousClock.now + .seconds(120)
            var held: Job?
            while held == nil, ContinuousClock.now < deadline {
                held = try await queue.list(viewer: .everyone, filter: .init(status: .running), limit: 100).first {
                    $0.leaseHolder?.contains(":\(victim.pid):") == true
                }
                if held == nil { try await Task.sleep(for: .milliseconds(20)) }
            }
            let job = try #require(held, "round \(round): worker-1 never held a job")
            victim.kill()
            killedJobs.insert(job.id)
            victim = try deployment.worker(name: "worker-1-\(round)")
            processes.append(victim)
        }

        // Every job ends; none may fail.
        let deadline = ContinuousClock.now + .seconds(600)
        var all: [Job] = []
        while ContinuousClock.now < deadline {
            all = try await queue.list(viewer: .everyone, limit: 200)
            if all.count == 60, all.allSatisfy({ $0.status.isFinal }) { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        for job in all where job.status != .succeeded {
            Issue.record("job \(job.id) \(job.kind) ended \(job.status): \(job.error ?? "")")
        }
        #expect(all.count == 60)
        #expect(all.filter { $0.status == .succeeded }.count == 60)
        // The killed jobs ran again elsewhere: a second attempt, and done once.
        for id in killedJobs {
            let job = try #require(all.first { $0.id == id })
            #expect(job.attempts >= 2, "killed job \(id) has \(job.attempts) attempts")
            #expect(job.status == .succeeded)
        }

        // No document or chunk twice.
        let documents = try await store.documents.documents(collection: "warehouse")
        #expect(documents.count == 60)
        #expect(Set(documents.map(\.source)) == Set(uploads.map(\.name)))
        let duplicates = try await store.withoutTransaction { sql in
            try await sql.raw(
                "SELECT COUNT(*) AS n FROM (SELECT document_id, ordinal FROM chunks GROUP BY document_id, ordinal HAVING COUNT(*) > 1) AS twice"
            ).first()?.decode(column: "n", as: Int.self)
        }
        #expect(duplicates == 0)
        let orphans = try await store.withoutTransaction { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM chunks WHERE document_id NOT IN (SELECT id FROM documents)")
                .first()?.decode(column: "n", as: Int.self)
        }
        #expect(orphans == 0)

        // Every upload is found with a citation, through either server.
        for (index, upload) in uploads.enumerated() where upload.word != nil {
            let port = index.isMultiple(of: 2) ? portB : portA
            let (status, answer) = try await Self.request(
                .GET, port: port, "/api/search?q=\(upload.word!)&collection=warehouse", key: key)
            #expect(status == 200)
            let hit = (answer["data"] as? [[String: Any]])?.first
            #expect(hit?["source"] as? String == upload.name, "\(upload.name): \(answer)")
            #expect((hit?["citation"] as? String)?.contains(upload.name) == true, "\(upload.name): \(hit ?? [:])")
        }
        let (_, spoken) = try await Self.request(
            .GET, port: portA, "/api/search?q=quick%20brown%20fox%20lazy%20dog&collection=warehouse&limit=50", key: key)
        let videoHits = Set(((spoken["data"] as? [[String: Any]]) ?? []).compactMap { $0["source"] as? String })
        for upload in uploads where upload.word == nil {
            #expect(videoHits.contains(upload.name), "\(upload.name) not found by its speech: \(videoHits)")
        }
        let citation = ((spoken["data"] as? [[String: Any]]) ?? []).first?["citation"] as? String ?? ""
        #expect(citation.contains("talk-"), "\(citation)")
        try? await PostgresScratchDatabase.drop(databaseURL)
    }
}
