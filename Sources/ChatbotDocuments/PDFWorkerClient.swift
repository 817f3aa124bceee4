import ChatbotCore
import Foundation

/// Runs PDF extraction in a child process.
struct PDFWorkerClient {
    let options: ExtractionOptions

    func extract(data: Data, source: String) throws -> ExtractedDocument {
        throw ChatbotError(.unavailable, "\(source): PDF extraction is not available")
    }
}
