extension Result where Failure == any Error {
    /// The outcome of `body`, for work whose clean-up must run (asynchronously) before the
    /// error is rethrown.
    init(catchingAsync body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}
