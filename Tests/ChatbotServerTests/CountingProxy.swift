import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import Synchronization

/// A pass-through HTTP proxy in front of a real provider that counts the requests it forwards:
/// how a test shows that a refused request never reached the provider.
final class CountingProxy: Sendable {
    private let count = Mutex(0)
    /// Requests forwarded so far.
    var requests: Int { count.withLock { $0 } }

    /// Runs a proxy to `upstream` (a base URL such as `http://127.0.0.1:8411/v1`) on a free
    /// loopback port and hands `body` its base URL.
    static func with<T: Sendable>(
        upstream: String, _ body: @Sendable (CountingProxy, String) async throws -> T
    ) async throws -> T {
        let proxy = CountingProxy()
        let upstreamURL = try require2(URL(string: upstream))
        let origin = "\(upstreamURL.scheme ?? "http")://\(upstreamURL.host ?? "127.0.0.1"):\(upstreamURL.port ?? 80)"
        let router = Router()
        router.on("**", method: .post) { request, context -> Response in
            proxy.count.withLock { $0 += 1 }
            var forwarded = HTTPClientRequest(url: origin + request.uri.description)
            forwarded.method = .POST
            forwarded.headers.add(name: "Content-Type", value: request.headers[.contentType] ?? "application/json")
            forwarded.body = .bytes(try await request.body.collect(upTo: 1 << 20))
            let response = try await HTTPClient.shared.execute(forwarded, timeout: .seconds(120))
            var headers = HTTPFields()
            if let type = response.headers.first(name: "Content-Type") { headers[.contentType] = type }
            return Response(
                status: .init(code: Int(response.status.code)), headers: headers,
                body: ResponseBody(asyncSequence: response.body))
        }
        let port = Mutex<Int?>(nil)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } })
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.runService(gracefulShutdownSignals: [])
                return nil
            }
            var bound: Int?
            for _ in 0..<200 {
                bound = port.withLock { $0 }
                if bound != nil { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            guard let bound else { throw CancellationError() }
            let result: T
            do {
                result = try await body(proxy, "http://127.0.0.1:\(bound)\(upstreamURL.path)")
            } catch {
                group.cancelAll()
                throw error
            }
            group.cancelAll()
            return result
        }
    }
}

private struct MissingURL: Error {}

private func require2<T>(_ value: T?) throws -> T {
    guard let value else { throw MissingURL() }
    return value
}
