import AsyncHTTPClient
import ChatbotCore

/// An object store with what must be shut down after use (the HTTP client of an S3 store).
struct OpenedObjectStore {
    let store: any ObjectStore
    let httpClient: HTTPClient?

    /// Shuts the HTTP client down, if there is one.
    func close() async {
        try? await httpClient?.shutdown()
    }
}
