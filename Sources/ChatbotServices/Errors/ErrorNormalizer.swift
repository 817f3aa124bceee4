import AsyncHTTPClient
import ChatbotChat
public import ChatbotCore
import ChatbotProviders
import ChatbotS3
public import Foundation
public import Logging
import NIOCore
import NIOPosix

extension ChatbotError {
    /// The one place that turns any error into a ``ChatbotError`` a user can read, for every front
    /// end (the CLI's error reporter, the server's problem responses).
    ///
    /// - ``ChatbotError`` passes unchanged; errors of the libraries map through their own boundary
    ///   (``ProviderError/chatbotError``, ``S3Error/chatbotError(bucket:endpoint:)``, the failed
    ///   ask's underlying error).
    /// - Cancellation is `.interrupted`.
    /// - Transport errors that escaped a library (SwiftNIO, async-http-client) are `.unavailable`
    ///   with a short reason: `cannot reach a required service (connection refused)`.
    /// - File errors name the file and the reason (`.notFound` for a missing file).
    /// - Anything else is `.runtime` `unexpected error (Module.TypeName)` with reason
    ///   ``Reason/unexpectedError``: its raw description is logged at debug level to `logger`,
    ///   never shown, because it may hold internals or secrets.
    ///
    /// Argument-parser errors are not handled here; the CLI reports those itself.
    public static func normalizing(_ error: any Error, logger: Logger? = nil) -> ChatbotError {
        switch error {
        case let error as ChatbotError:
            return error
        case let error as ProviderError:
            return error.chatbotError
        case let error as S3Error:
            return error.chatbotError(bucket: ErrorNormalizer.bucket(inOperation: error.operation))
        case let error as BudgetExceeded:
            return error.chatbotError
        case let error as AskFailure:
            return normalizing(error.error, logger: logger)
        case is CancellationError:
            return ChatbotError(.interrupted, "interrupted")
        default:
            if let known = ErrorNormalizer.transport(error) ?? ErrorNormalizer.file(error) {
                logger?.debug("Error normalised", metadata: ErrorNormalizer.metadata(error))
                return known
            }
            logger?.debug("Unexpected error", metadata: ErrorNormalizer.metadata(error))
            return ChatbotError(
                .runtime, "unexpected error (\(ErrorNormalizer.typeName(error)))",
                hint: "this is a bug in chatbot or a case it does not handle yet; the details are in the debug log",
                reason: .unexpectedError)
        }
    }
}

extension ChatbotError.Reason {
    /// An error no library mapped: the message names only its type; the details are logged at
    /// debug level.
    public static let unexpectedError = ChatbotError.Reason("unexpected-error")
}

/// The mappings behind ``ChatbotCore/ChatbotError/normalizing(_:logger:)`` for foreign errors.
enum ErrorNormalizer {
    /// The module-qualified type name, e.g. `Foundation.CocoaError`.
    static func typeName(_ error: any Error) -> String {
        String(reflecting: type(of: error))
    }

    /// The type and the full description, for the debug log.
    static func metadata(_ error: any Error) -> Logger.Metadata {
        ["error.type": "\(typeName(error))", "error": "\(String(reflecting: error))"]
    }

    /// The bucket in an S3 operation such as `PUT bucket/key`.
    static func bucket(inOperation operation: String) -> String? {
        let target = operation.split(separator: " ", maxSplits: 1).last ?? ""
        let bucket = target.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        return bucket.isEmpty ? nil : bucket
    }

    /// SwiftNIO and async-http-client errors that escaped a library's own mapping.
    static func transport(_ error: any Error) -> ChatbotError? {
        let reason: String
        switch error {
        case let error as NIOConnectionError:
            if error.connectionErrors.isEmpty, error.dnsAError != nil || error.dnsAAAAError != nil {
                reason = "cannot resolve \(error.host)"
            } else {
                let errno = error.connectionErrors.lazy.compactMap { ($0.error as? IOError)?.errnoCode }.first
                reason = errno.map(describe(errno:)) ?? "cannot connect to \(error.host):\(error.port)"
            }
        case let error as IOError:
            reason = describe(errno: error.errnoCode)
        case let error as ChannelError:
            if case .connectTimeout = error { reason = "connection timed out" } else { reason = "connection failed" }
        case let error as HTTPClientError:
            switch error {
            case .connectTimeout, .getConnectionFromPoolTimeout, .tlsHandshakeTimeout:
                reason = "connection timed out"
            case .readTimeout, .writeTimeout, .deadlineExceeded:
                return ChatbotError(
                    .temporary, "a request to a required service timed out", hint: "try again later")
            case .remoteConnectionClosed, .uncleanShutdown:
                reason = "the server closed the connection"
            default:
                return nil
            }
        default:
            return nil
        }
        return ChatbotError(
            .unavailable, "cannot reach a required service (\(reason))",
            hint: "check that the server is running and that its URL in the configuration is right")
    }

    /// Foundation's file errors, naming the file.
    static func file(_ error: any Error) -> ChatbotError? {
        let nsError = error as NSError
        guard
            error is CocoaError || error is POSIXError || nsError.domain == NSCocoaErrorDomain
                || nsError.domain == NSPOSIXErrorDomain
        else { return nil }
        let path = (nsError.userInfo[NSFilePathErrorKey] as? String) ?? (nsError.userInfo["NSFilePath"] as? String)
        let subject = path.map { "\($0): " } ?? ""
        if nsError.domain == NSPOSIXErrorDomain {
            let text = describe(errno: Int32(truncatingIfNeeded: nsError.code))
            return ChatbotError(nsError.code == Int(ENOENT) ? .notFound : .runtime, "\(subject)\(text)")
        }
        switch CocoaError.Code(rawValue: nsError.code) {
        case .fileNoSuchFile, .fileReadNoSuchFile:
            return ChatbotError(.notFound, "\(subject)no such file")
        case .fileReadNoPermission, .fileWriteNoPermission:
            return ChatbotError(.runtime, "\(subject)permission denied")
        case .fileWriteOutOfSpace:
            return ChatbotError(.runtime, "\(subject)no space left on the device")
        case .fileWriteFileExists:
            return ChatbotError(.runtime, "\(subject)the file already exists")
        case .fileReadCorruptFile, .fileReadInapplicableStringEncoding:
            return ChatbotError(.runtime, "\(subject)the file cannot be read (damaged or not text)")
        default:
            guard nsError.domain == NSCocoaErrorDomain, (0..<1024).contains(nsError.code) || path != nil else {
                return nil
            }
            return ChatbotError(.runtime, "\(subject)file error \(nsError.code)")
        }
    }

    /// `connection refused`, `connection timed out`, … for an `errno`.
    static func describe(errno code: Int32) -> String {
        switch code {
        case ECONNREFUSED: "connection refused"
        case ECONNRESET, EPIPE: "connection reset"
        case ETIMEDOUT: "connection timed out"
        case EHOSTUNREACH, ENETUNREACH: "no route to host"
        default: String(cString: strerror(code)).lowercased()
        }
    }
}
