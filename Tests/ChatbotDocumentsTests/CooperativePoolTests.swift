import ChatbotCore
import ChatbotDocuments
import Foundation
import Testing

/// Slow PDF extractions must not hold the threads of Swift's cooperative pool (as many as there
/// are cores: two on the test machine), or every other task in the process stalls while they run.
///
/// The test runs its tasks on a two-thread executor of its own that stands in for the pool of a
/// two-core machine, whatever the machine: the tests running in parallel in this process cannot
/// stall it, and a blocking extraction stalls it as it would stall the real pool.
@Suite("PDF extraction and the cooperative pool")
struct CooperativePoolTests {
    static let extractions = 8
    static let timeoutSeconds = 2

    /// What one run measured: the ticks of the cheap task and when the extractions started and ended.
    struct Measurement {
        var start: ContinuousClock.Instant
        var end: ContinuousClock.Instant
        var ticks: [ContinuousClock.Instant]
        var failures: Int

        /// The ticks inside the extractions' run, with its start and end as the outer bounds.
        var marks: [ContinuousClock.Instant] { [start] + ticks.filter { $0 > start && $0 < end } + [end] }

        var largestGap: Duration { zip(marks, marks.dropFirst()).map { $1 - $0 }.max() ?? .zero }
    }

    @Test("8 slow PDF extractions at once leave a steady stream of cheap async work running")
    func slowExtractionsDoNotStarveThePool() async throws {
        var options = ExtractionOptions()
        options.pdfTimeoutSeconds = Self.timeoutSeconds
        // The worker's test hook loops before parsing, so each extraction lasts until the timeout.
        options.pdfWorkerEnvironment = ["CHATBOT_PDF_WORKER_TEST": "spin"]
        let extractor = DocumentExtractor(options: options)
        let clock = ContinuousClock()
        let executor = FixedThreadExecutor(threads: 2)
        defer { executor.shutdown() }

        let measurement = await withTaskExecutorPreference(executor) {
            await Self.measure(extractor, clock: clock)
        }

        // The extractions really were slow: each ran into the timeout.
        #expect(measurement.failures == Self.extractions)
        #expect(measurement.end - measurement.start >= .seconds(Self.timeoutSeconds) * 0.9)
        // Meanwhile the ticks went on: many of them, and never a pause of half an extraction.
        #expect(measurement.marks.count - 2 >= 20, "ticks while the extractions ran")
        #expect(
            measurement.largestGap < .seconds(Self.timeoutSeconds) / 2,
            "largest pause between ticks: \(measurement.largestGap)")
    }

    /// Runs the extractions at once beside a task that ticks every 10 ms.
    static func measure(_ extractor: DocumentExtractor, clock: ContinuousClock) async -> Measurement {
        await withTaskGroup(of: [ContinuousClock.Instant].self) { group in
            group.addTask {
                var ticks: [ContinuousClock.Instant] = []
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(10))
                    ticks.append(clock.now)
                }
                return ticks
            }
            let start = clock.now
            let failures = await withTaskGroup(of: Bool.self) { extractions in
                for index in 0..<Self.extractions {
                    extractions.addTask {
                        let document = try? await extractor.extract(
                            data: Data("%PDF-1.4\n".utf8), filename: "slow-\(index).pdf")
                        return document == nil
                    }
                }
                return await extractions.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            let end = clock.now
            group.cancelAll()
            let ticks = await group.next() ?? []
            return Measurement(start: start, end: end, ticks: ticks, failures: failures)
        }
    }
}
