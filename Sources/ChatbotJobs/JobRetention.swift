public import ChatbotCore
import ChatbotStorage
public import Foundation

/// Deletes old finished jobs, and the stored files only they referred to: the upload of an ingest
/// or transcription that failed or was cancelled (a succeeded ingest's upload is its document's
/// content, which stays), and a transcription's transcript. A file that another job or a document
/// still names is kept.
///
/// ```swift
/// let outcome = try await JobRetention.prune(
///     queue: JobQueue(database: store), objects: objectStore, finishedBefore: Date() - 30 * 86_400)
/// ```
public enum JobRetention {
    /// What ``prune(queue:objects:finishedBefore:)`` removed.
    public struct Outcome: Sendable, Hashable, Codable {
        /// Jobs deleted.
        public var jobs: Int
        /// Stored files deleted (uploads and transcripts nothing refers to any more).
        public var objects: Int

        /// Creates an outcome.
        public init(jobs: Int, objects: Int) {
            self.jobs = jobs
            self.objects = objects
        }
    }

    /// The kinds whose payload or result names a stored file (`"object": {"key": …}`).
    static let kindsWithObjects = [JobKind.ingestUpload, JobKind.transcribe]

    /// Deletes the jobs that ended before `date` (see ``JobQueue/prune(finishedBefore:)``), then
    /// the files they named that no remaining job and no document names; `objects` nil leaves
    /// files alone.
    public static func prune(queue: JobQueue, objects: (any ObjectStore)?, finishedBefore date: Date)
        async throws -> Outcome
    {
        let pruned = try await queue.prune(finishedBefore: date)
        var candidates = Set<String>()
        for job in pruned where kindsWithObjects.contains(job.kind) {
            candidates.formUnion(objectKeys(job.payload, job.result))
        }
        guard let objects, !candidates.isEmpty else { return Outcome(jobs: pruned.count, objects: 0) }
        for (payload, result) in try await queue.payloadsAndResults(ofKinds: kindsWithObjects) {
            candidates.subtract(objectKeys(payload, result))
        }
        candidates.subtract(try await queue.database.documents.referencedContentHashes(among: Array(candidates)))
        var deleted = 0
        for key in candidates.sorted() where try await objects.exists(key) {
            try await objects.delete(key)
            deleted += 1
        }
        return Outcome(jobs: pruned.count, objects: deleted)
    }

    /// The object keys a job's payload and result name.
    static func objectKeys(_ documents: String?...) -> Set<String> {
        struct Reference: Decodable {
            struct Object: Decodable { let key: String }
            let object: Object?
        }
        var keys = Set<String>()
        for case let document? in documents {
            if let key = try? JSONDecoder().decode(Reference.self, from: Data(document.utf8)).object?.key {
                keys.insert(key)
            }
        }
        return keys
    }
}
