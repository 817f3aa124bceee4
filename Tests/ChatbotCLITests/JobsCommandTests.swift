import Foundation
import Testing

/// `chatbot ingest --queue`, `chatbot worker` and `chatbot jobs` through the binary, on the
/// embedded SQLite store: a cron-style run hands the work to a worker, which ingests it.
@Suite("chatbot worker and jobs")
struct JobsCommandTests {
    @Test("ingest --queue prints a job; a worker runs it; jobs list/show report it; SIGTERM stops the worker")
    func queueAndWork() async throws {
        try await CLISandbox.with { sandbox in
            let folder = try IngestCommandTests.writeDocs(sandbox)
            let queued = try await sandbox.run(
                "ingest", "--queue", "-C", "home", folder, environment: IngestCommandTests.fullTextOnly)
            #expect(queued.exitCode == 0, "\(queued)")
            let id = queued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(id.count == 36, "\(queued)")
            let listed = try await sandbox.run("jobs", "list", "--json")
            let jobs = try #require(try listed.jsonArray() as? [[String: Any]])
            #expect(jobs.first?["id"] as? String == id)
            #expect(jobs.first?["status"] as? String == "queued")
            #expect(jobs.first?["kind"] as? String == "ingest.paths")
            // Nothing ingested yet.
            #expect(try await sandbox.run("search", "-C", "home", "kettle").exitCode != 0)

            let worker = try sandbox.start(
                ["worker", "--concurrency", "1"], environment: IngestCommandTests.fullTextOnly)
            var status = ""
            let deadline = ContinuousClock.now + .seconds(60)
            while status != "succeeded", ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
                status = try await sandbox.run("jobs", "show", id, "--json").jsonObject()["status"] as? String ?? ""
            }
            #expect(status == "succeeded")
            worker.send(SIGTERM)
            let stopped = await worker.finish(timeout: .seconds(30))
            #expect(stopped.exitCode == 0, "\(stopped)")
            #expect(stopped.stderr.contains("running 1 at a time"), "\(stopped)")

            let shown = try await sandbox.run("jobs", "show", id)
            #expect(shown.stdout.contains("status: succeeded"), "\(shown)")
            #expect(shown.stdout.contains("\"added\""), "\(shown)")
            let search = try await sandbox.run(
                "search", "-C", "home", "--json", "descale", "kettle", environment: IngestCommandTests.fullTextOnly)
            #expect(search.exitCode == 0, "\(search)")
            #expect(
                (try search.jsonObject()["results"] as? [[String: Any]])?.first?["citation"] as? String
                    == "kettle.md, § Kettles > Descaling")
        }
    }

    @Test("cancel a queued job, retry it, and the usage errors: stdin with --queue, unknown kinds, unknown ids")
    func cancelRetryAndErrors() async throws {
        try await CLISandbox.with { sandbox in
            let folder = try IngestCommandTests.writeDocs(sandbox)
            let id = try await sandbox.run("ingest", "--queue", folder).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let cancelled = try await sandbox.run("jobs", "cancel", id)
            #expect(cancelled.exitCode == 0, "\(cancelled)")
            #expect(
                try await sandbox.run("jobs", "show", id, "--json").jsonObject()["status"] as? String == "cancelled")
            let again = try await sandbox.run("jobs", "cancel", id)
            #expect(again.exitCode == 1)
            #expect(again.stderr.contains("already ended"), "\(again)")
            #expect(try await sandbox.run("jobs", "retry", id).exitCode == 0)
            #expect(try await sandbox.run("jobs", "show", id, "--json").jsonObject()["status"] as? String == "queued")
            #expect(try await sandbox.run("jobs", "list", "--status", "queued", "--json").jsonArray().count == 1)
            #expect(try await sandbox.run("jobs", "list", "--status", "running", "--json").jsonArray().isEmpty)

            #expect(try await sandbox.run("jobs", "show", "no-such-job").exitCode == 1)
            #expect(try await sandbox.run("ingest", "--queue", "-", stdin: .bytes(Data("x".utf8))).exitCode == 64)
            #expect(try await sandbox.run("worker", "--kinds", "bogus").exitCode == 64)
            #expect(try await sandbox.run("jobs", "list", "--status", "finished").exitCode == 64)
            #expect(try await sandbox.run("ingest", "--queue", "/no/such/folder").exitCode == 64)
        }
    }

    @Test("prune deletes finished jobs older than --older-than and keeps queued ones")
    func prune() async throws {
        try await CLISandbox.with { sandbox in
            let folder = try IngestCommandTests.writeDocs(sandbox)
            func queue() async throws -> String {
                try await sandbox.run("ingest", "--queue", folder).stdout.trimmingCharacters(
                    in: .whitespacesAndNewlines)
            }
            let ended = try await queue()
            let waiting = try await queue()
            #expect(try await sandbox.run("jobs", "cancel", ended).exitCode == 0)

            // Ended a moment ago: a day's retention keeps it.
            let kept = try await sandbox.run("jobs", "prune", "--older-than", "1d", "--json")
            #expect(kept.exitCode == 0, "\(kept)")
            #expect(try kept.jsonObject()["jobs"] as? Int == 0, "\(kept)")
            #expect(try await sandbox.run("jobs", "list", "--json").jsonArray().count == 2)

            // A cutoff in the future takes every finished job, and only those.
            let future = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
            let pruned = try await sandbox.run("jobs", "prune", "--older-than", future)
            #expect(pruned.exitCode == 0, "\(pruned)")
            #expect(pruned.stderr.contains("deleted 1 finished job(s)"), "\(pruned)")
            let left = try await sandbox.run("jobs", "list", "--json").jsonArray() as? [[String: Any]]
            #expect(left?.map { $0["id"] as? String } == [waiting])
            #expect(try await sandbox.run("jobs", "show", ended).exitCode == 1)

            let bad = try await sandbox.run("jobs", "prune", "--older-than", "soon")
            #expect(bad.exitCode == 64)
            #expect(bad.stderr.contains("--older-than"), "\(bad)")
            #expect(try await sandbox.run("jobs", "prune").exitCode == 64)
        }
    }
}
