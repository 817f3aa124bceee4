import ArgumentParser
import ChatbotCore
import ChatbotJobs
import Foundation

/// `chatbot jobs`: the background jobs in the queue, on the same store as `serve` and `worker`.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "List, show, cancel, retry and prune background jobs.",
        discussion: """
            Works on the configured database's queue, every user's jobs (the command line acts on the \
            database directly). Statuses: queued (waiting, or waiting out a retry's backoff), running, \
            succeeded, failed (an error retrying cannot fix), cancelled, dead (failed on every attempt).
            """,
        subcommands: [List.self, Show.self, Cancel.self, Retry.self, Prune.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List jobs, newest first.")

        @OptionGroup var global: GlobalOptions

        @Option(help: ArgumentHelp("Only jobs in this status.", valueName: "status"))
        var status: String?

        @Option(help: ArgumentHelp("Only jobs of this kind.", valueName: "kind"))
        var kind: String?

        @Option(help: ArgumentHelp("At most this many jobs.", valueName: "n"))
        var limit = 50

        @Flag(help: "Print JSON.")
        var json = false

        func validate() throws {
            guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
            if let status, JobStatus(rawValue: status) == nil {
                throw ValidationError(
                    "--status is one of \(JobStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }

        func run() async throws {
            try await CommandContext.with(global) { context in
                let queue = JobQueue(database: try await context.openStore())
                let jobs = try await queue.list(
                    viewer: .everyone,
                    filter: JobQueue.Filter(status: status.flatMap(JobStatus.init(rawValue:)), kind: kind),
                    limit: limit)
                if json {
                    try JSONOutput.print(jobs.map(JobDocument.init))
                    return
                }
                var table = TextTable(columns: ["ID", "KIND", "STATUS", "ATTEMPTS", "CREATED", "PROGRESS"])
                for job in jobs {
                    table.add([
                        job.id, job.kind, job.status.rawValue, "\(job.attempts)/\(job.maxAttempts)",
                        AccountDates.format(job.createdAt), JobOutput.progressText(job),
                    ])
                }
                StandardOutput.write(table.render())
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Show one job, with its payload, result and error.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The job's id.")
        var id: String

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            try await CommandContext.with(global) { context in
                let job = try await JobQueue(database: try await context.openStore()).job(id, viewer: .everyone)
                if json {
                    try JSONOutput.print(JobDocument(job))
                    return
                }
                var lines = [
                    "id: \(job.id)", "kind: \(job.kind)", "status: \(job.status.rawValue)",
                    "owner: \(job.ownerID)", "attempts: \(job.attempts)/\(job.maxAttempts)",
                    "created: \(AccountDates.format(job.createdAt))", "updated: \(AccountDates.format(job.updatedAt))",
                ]
                if job.status == .queued { lines.append("runs at: \(AccountDates.format(job.runAt))") }
                if let holder = job.leaseHolder { lines.append("worker: \(holder)") }
                if job.progress != nil { lines.append("progress: \(JobOutput.progressText(job))") }
                lines.append("payload: \(job.payload)")
                if let result = job.result { lines.append("result: \(result)") }
                if let error = job.error { lines.append("error: \(error)") }
                StandardOutput.write(lines.joined(separator: "\n") + "\n")
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cancel",
            abstract: "Cancel a job: at once when queued, at its next checkpoint when running.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The job's id.")
        var id: String

        func run() async throws {
            try await CommandContext.with(global) { context in
                let job = try await JobQueue(database: try await context.openStore()).cancel(id, viewer: .everyone)
                StandardError.write(
                    job.status == .cancelled
                        ? "chatbot: job \(job.id) cancelled\n"
                        : "chatbot: job \(job.id) will stop at its next checkpoint\n")
            }
        }
    }

    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prune",
            abstract: "Delete jobs that ended before a time, and the uploads only they referred to.",
            discussion: """
                Deletes the succeeded, failed, cancelled and dead jobs that finished before --older-than \
                (a duration ago, like 30d or 12h, or an ISO 8601 time); queued and running jobs stay, \
                whatever their age. The uploads of failed or cancelled ingests and transcriptions, and the \
                transcripts of finished transcriptions, go with their jobs unless another job or a document \
                still refers to them. Made for cron: `chatbot jobs prune --older-than 30d`.
                """)

        @OptionGroup var global: GlobalOptions

        @Option(
            help: ArgumentHelp(
                "Delete jobs that ended before this: a duration ago (30d, 12h, 90m) or an ISO 8601 time.",
                valueName: "age"))
        var olderThan: String

        @Flag(help: "Print JSON: {\"jobs\": deleted jobs, \"objects\": deleted files}.")
        var json = false

        func validate() throws {
            guard AuditCommand.parseSince(olderThan, now: Date()) != nil else {
                throw ValidationError(
                    "--older-than takes a duration like 30d, 12h or 90m, or an ISO 8601 time, not '\(olderThan)'")
            }
        }

        func run() async throws {
            let cutoff = AuditCommand.parseSince(olderThan, now: Date()) ?? Date()
            try await CommandContext.with(global) { context in
                let outcome = try await JobRetention.prune(
                    queue: JobQueue(database: try await context.openStore()), objects: try context.openObjectStore(),
                    finishedBefore: cutoff)
                if json {
                    try JSONOutput.print(outcome)
                } else if !global.quiet {
                    StandardError.write(
                        "chatbot: deleted \(outcome.jobs) finished job(s) and \(outcome.objects) stored file(s)\n")
                }
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retry",
            abstract: "Run a failed, dead or cancelled job again from its first attempt.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The job's id.")
        var id: String

        func run() async throws {
            try await CommandContext.with(global) { context in
                let job = try await JobQueue(database: try await context.openStore()).retry(id, viewer: .everyone)
                StandardError.write("chatbot: job \(job.id) queued again\n")
            }
        }
    }
}

/// How `chatbot jobs` shows a job's progress.
enum JobOutput {
    static func progressText(_ job: Job) -> String {
        guard let progress = job.progress else { return "-" }
        var text = progress.total.map { "\(progress.done)/\($0)" } ?? "\(progress.done)"
        if let message = progress.message { text += " " + message }
        return text
    }
}
