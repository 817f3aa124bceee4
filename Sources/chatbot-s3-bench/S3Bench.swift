import ChatbotS3
import Foundation
import Logging

/// `chatbot-s3-bench upload FILE s3://BUCKET/KEY?endpoint=…` and
/// `chatbot-s3-bench download s3://BUCKET/KEY?endpoint=… FILE`: one transfer with ``S3Client``
/// (credentials from the AWS environment variables), then `BYTES SECONDS` on stdout. It exists for
/// `Scripts/bench/s3-transfer`; options: `--part-size-mb N` (default 8), `--concurrency N` (default 4).
@main
struct S3Bench {
    static func main() async {
        do {
            let report = try await run(Array(CommandLine.arguments.dropFirst()))
            print(report)
        } catch {
            FileHandle.standardError.write(Data("chatbot-s3-bench: \(error)\n".utf8))
            exit(1)
        }
    }

    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    static func run(_ arguments: [String]) async throws -> String {
        var positional: [String] = []
        var partSize = 8 * 1024 * 1024
        var concurrency = 4
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--part-size-mb":
                guard let value = iterator.next().flatMap(Int.init), value > 0 else {
                    throw UsageError(description: "--part-size-mb needs a positive number")
                }
                partSize = value * 1024 * 1024
            case "--concurrency":
                guard let value = iterator.next().flatMap(Int.init), value > 0 else {
                    throw UsageError(description: "--concurrency needs a positive number")
                }
                concurrency = value
            default:
                positional.append(argument)
            }
        }
        guard positional.count == 3, ["upload", "download"].contains(positional[0]) else {
            throw UsageError(
                description: "usage: chatbot-s3-bench upload FILE s3://BUCKET/KEY?endpoint=… | "
                    + "download s3://BUCKET/KEY?endpoint=… FILE [--part-size-mb N] [--concurrency N]")
        }
        let isUpload = positional[0] == "upload"
        let (client, key) = try makeClient(url: isUpload ? positional[2] : positional[1])
        let file = URL(fileURLWithPath: isUpload ? positional[1] : positional[2])
        let clock = ContinuousClock()
        let start = clock.now
        let bytes: Int
        if isUpload {
            try await client.uploadMultipart(key, fileAt: file, partSize: partSize, concurrency: concurrency)
            bytes = (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
        } else {
            guard
                let size = try await client.downloadObject(
                    key, to: file, partSize: partSize, concurrency: concurrency)
            else { throw UsageError(description: "no such object: \(key)") }
            bytes = size
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return "\(bytes) \(String(format: "%.3f", seconds))"
    }

    /// The client for the bucket in `url` and the key: the URL's path, split at its last `/`.
    static func makeClient(url: String) throws -> (S3Client, String) {
        let environment = ProcessInfo.processInfo.environment
        var configuration = try S3Configuration(url: url, environment: environment)
        let path = configuration.prefix
        guard let slash = path.lastIndex(of: "/") else {
            guard !path.isEmpty else { throw UsageError(description: "the URL names no key: \(url)") }
            configuration.prefix = ""
            return (try S3Client(configuration: configuration, environment: environment, logger: logger), path)
        }
        configuration.prefix = String(path[..<slash])
        let key = String(path[path.index(after: slash)...])
        return (try S3Client(configuration: configuration, environment: environment, logger: logger), key)
    }

    static let logger = Logger(label: "chatbot.s3.bench")
}
