/// One event of a Server-Sent Events stream, as dispatched by ``SSEParser``.
public struct SSEEvent: Sendable, Hashable {
    /// The `event:` field, or `nil` for the default type (`message`).
    public var type: String?
    /// The `data:` lines of the event joined with `\n`.
    public var data: String
    /// The last `id:` seen in the stream, if any.
    public var id: String?
    /// The `retry:` field in milliseconds, if the event carried one.
    public var retryMilliseconds: Int?

    /// Creates an event.
    public init(type: String? = nil, data: String, id: String? = nil, retryMilliseconds: Int? = nil) {
        self.type = type
        self.data = data
        self.id = id
        self.retryMilliseconds = retryMilliseconds
    }
}
