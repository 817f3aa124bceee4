public import Foundation

/// A job as the API (`/api/jobs`) and `chatbot jobs --json` show it: the payload and result as JSON
/// values rather than strings; optional fields absent when they do not apply.
public struct JobDocument: Encodable, Sendable {
    /// See ``Job``.
    public var id: String
    /// See ``Job/kind``.
    public var kind: String
    /// See ``Job/status``.
    public var status: String
    /// See ``Job/ownerID``.
    public var ownerId: String
    /// See ``Job/attempts``.
    public var attempts: Int
    /// See ``Job/maxAttempts``.
    public var maxAttempts: Int
    /// See ``Job/runAt``.
    public var runAt: Date
    /// See ``Job/cancelRequested``.
    public var cancelRequested: Bool
    /// The worker holding the lease while it runs.
    public var worker: String?
    /// See ``Job/progress``.
    public var progress: JobProgress?
    /// The input, parsed.
    public var payload: JSONValue?
    /// The result, parsed.
    public var result: JSONValue?
    /// See ``Job/error``.
    public var error: String?
    /// See ``Job/createdAt``.
    public var createdAt: Date
    /// See ``Job/updatedAt``.
    public var updatedAt: Date
    /// See ``Job/finishedAt``.
    public var finishedAt: Date?

    /// The document of `job`.
    public init(_ job: Job) {
        id = job.id
        kind = job.kind
        status = job.status.rawValue
        ownerId = job.ownerID
        attempts = job.attempts
        maxAttempts = job.maxAttempts
        runAt = job.runAt
        cancelRequested = job.cancelRequested
        worker = job.leaseHolder
        progress = job.progress
        payload = JSONValue(json: job.payload)
        result = job.result.flatMap(JSONValue.init(json:))
        error = job.error
        createdAt = job.createdAt
        updatedAt = job.updatedAt
        finishedAt = job.finishedAt
    }
}

/// Any JSON value, to pass stored JSON (a job's payload and result) through as it is.
public enum JSONValue: Codable, Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// `json` parsed; `nil` when it is not JSON.
    public init?(json: String) {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)) else { return nil }
        self = value
    }

    /// Decodes any JSON value.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Encodes the value as it was.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if value == value.rounded(), abs(value) < 1e15 {
                try container.encode(Int64(value))
            } else {
                try container.encode(value)
            }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
