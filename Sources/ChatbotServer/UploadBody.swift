import ChatbotCore
import Foundation
import Hummingbird
import NIOCore

/// The file of an upload request, read as it arrives: the whole body (`Content-Type` anything but
/// multipart), or the `file` part of a `multipart/form-data` form, whose other fields are kept
/// (up to 32, of 4 KiB each). The stream ends only after the whole body was read and found complete
/// (the form's closing boundary, or `Content-Length` bytes), so a cut connection is an error
/// and never a shorter file.
///
/// `@unchecked Sendable` because its state is mutated without a lock: one request's handler owns
/// it, and it is read in turn — ``head(_:)``, then the stream's pulls, one at a time (an
/// `AsyncThrowingStream(unfolding:)` never calls its closure concurrently) — never from two tasks at once.
final class UploadBody: @unchecked Sendable {
    /// The form's fields before the file (multipart only).
    private(set) var fields: [String: String] = [:]
    /// The file name the form's `file` part gave.
    private(set) var partFilename: String?

    private var iterator: RequestBody.AsyncIterator
    private var multipart: MultipartReader?
    private let expectedLength: Int?
    private let maxBodyBytes: Int
    private var received = 0
    private var pending: [Data] = []
    private var bodyDone = false
    private var state = PartState.beforeFile
    private var field: String?
    private var fieldValue = ByteBuffer()

    private enum PartState {
        case beforeFile, inFile, afterFile
    }

    /// A reader of `request`'s body; `maxFileBytes` bounds the whole body (with 64 KiB for the form).
    init(_ request: Request, maxFileBytes: Int) {
        iterator = request.body.makeAsyncIterator()
        let contentType = request.headers[.contentType] ?? ""
        multipart = MultipartReader.boundary(contentType: contentType).map { MultipartReader(boundary: $0) }
        expectedLength = request.headers[.contentLength].flatMap { Int($0) }
        maxBodyBytes = maxFileBytes + 64 * 1024
    }

    /// Whether the body is a multipart form.
    var isMultipart: Bool { multipart != nil }

    /// Reads until `count` bytes of the file are buffered or the file ended, and returns them
    /// (they are still the stream's first bytes). For a form this also reads the fields before
    /// the file part and its file name.
    func head(_ count: Int) async throws -> Data {
        while pending.reduce(0, { $0 + $1.count }) < count, !bodyDone, state != .afterFile {
            try await readMore()
        }
        return pending.reduce(into: Data()) { $0.append($1) }.prefix(count)
    }

    /// The file's bytes, pulled one chunk at a time (the buffered head first).
    func stream() -> ObjectByteStream {
        ObjectByteStream(unfolding: { try await self.next() })
    }

    private func next() async throws -> Data? {
        while true {
            if !pending.isEmpty { return pending.removeFirst() }
            if bodyDone {
                if multipart != nil, state == .beforeFile {
                    throw ChatbotError(.usage, "the form has no file (a field named 'file' with a filename)")
                }
                return nil
            }
            try await readMore()
        }
    }

    /// Reads one chunk of the body into `pending` (file bytes) or the fields.
    private func readMore() async throws {
        guard let chunk = try await iterator.next() else {
            bodyDone = true
            if let expectedLength, received != expectedLength {
                throw ChatbotError(.usage, "the body ended after \(received) of \(expectedLength) bytes")
            }
            if multipart != nil {
                do {
                    try multipart?.finish()
                } catch {
                    throw ChatbotError(.usage, "the multipart body ends before its closing boundary")
                }
            }
            return
        }
        received += chunk.readableBytes
        guard received <= maxBodyBytes else {
            throw ObjectStoreLimits.tooLarge(maxBodyBytes - 64 * 1024)
        }
        guard multipart != nil else {
            if chunk.readableBytes > 0 { pending.append(Data(chunk.readableBytesView)) }
            return
        }
        let events: [MultipartReader.Event]
        do {
            events = try multipart!.feed(chunk)
        } catch {
            throw ChatbotError(.usage, "the multipart body is malformed")
        }
        for event in events {
            switch event {
            case .part(let headers):
                let disposition = headers.first { $0.name == "content-disposition" }?.value ?? ""
                let name = MultipartReader.parameter("name", in: disposition)
                if name == "file", state == .beforeFile {
                    state = .inFile
                    partFilename = MultipartReader.parameter("filename", in: disposition)
                    field = nil
                } else {
                    field = name
                    fieldValue = ByteBuffer()
                }
            case .body(var bytes):
                if state == .inFile, field == nil {
                    if bytes.readableBytes > 0 { pending.append(Data(bytes.readableBytesView)) }
                } else if field != nil {
                    guard fieldValue.readableBytes + bytes.readableBytes <= 4096 else {
                        throw ChatbotError(.usage, "form fields are at most 4 KiB")
                    }
                    fieldValue.writeBuffer(&bytes)
                }
            case .end:
                if state == .inFile, field == nil {
                    state = .afterFile
                } else if let name = field, state == .beforeFile {
                    guard fields.count < 32 else { throw ChatbotError(.usage, "a form has at most 32 fields") }
                    fields[name] = String(buffer: fieldValue)
                }
                field = nil
                fieldValue = ByteBuffer()
            }
        }
    }
}
