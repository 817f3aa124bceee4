// `chatbot-bench-floor`: what the stack chatbot is built on costs before chatbot's own code runs,
// for the benchmarks that compare chatbot with C tools. It is linked as chatbot is (static Swift
// runtime and Foundation, RELR, no exported symbols), with the same HTTP server and client.
//
//   chatbot-bench-floor hello                    print a line and exit: a static Swift start
//   chatbot-bench-floor post URL BODY            one POST through AsyncHTTPClient, body to stdout
//   chatbot-bench-floor relay --port P --upstream URL
//                                                a Hummingbird server relaying /v1/* to URL with
//                                                AsyncHTTPClient: no auth, no JSON, nothing stored
//
// Scripts/bench/startup and Scripts/bench/api-proxy run it beside chatbot and the C tools.
import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1

@main
struct BenchFloor {
    static func main() async throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        switch arguments.first {
        case "hello":
            print("hello")
        case "post" where arguments.count == 3:
            try await post(url: arguments[1], body: arguments[2])
        case "relay":
            guard let port = value(of: "--port", in: arguments).flatMap(Int.init),
                let upstream = value(of: "--upstream", in: arguments)
            else { usage() }
            try await relay(port: port, upstream: upstream)
        default:
            usage()
        }
    }

    static func usage() -> Never {
        FileHandle.standardError.write(
            Data("usage: chatbot-bench-floor hello | post URL BODY | relay --port P --upstream URL\n".utf8))
        exit(64)
    }

    static func value(of option: String, in arguments: [String]) -> String? {
        guard let index = arguments.firstIndex(of: option), index + 1 < arguments.count else { return nil }
        return arguments[index + 1]
    }

    /// One JSON POST, as `chatbot ask` makes it, with the shared client.
    static func post(url: String, body: String) async throws {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        guard response.status == .ok else {
            FileHandle.standardError.write(Data("HTTP \(response.status.code)\n".utf8))
            exit(1)
        }
        FileHandle.standardOutput.write(Data(bytes.readableBytesView))
    }

    /// Relays every `/v1/...` request to `upstream` (which ends in `/v1`) and streams the answer back.
    static func relay(port: Int, upstream: String) async throws {
        let router = Router()
        let forward: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            var outbound = HTTPClientRequest(url: upstream + request.uri.path.dropFirst("/v1".count))
            outbound.method = HTTPMethod(rawValue: request.method.rawValue)
            if let type = request.headers[.contentType] { outbound.headers.add(name: "content-type", value: type) }
            if request.method == .post {
                outbound.body = .bytes(try await request.body.collect(upTo: 1 << 20))
            }
            let answer = try await HTTPClient.shared.execute(outbound, timeout: .seconds(60))
            var headers = HTTPFields()
            if let type = answer.headers.first(name: "content-type") { headers[.contentType] = type }
            return Response(
                status: HTTPResponse.Status(code: Int(answer.status.code)), headers: headers,
                body: ResponseBody(asyncSequence: answer.body))
        }
        router.post("/v1/chat/completions", use: forward)
        router.get("/v1/models", use: forward)
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: port)))
        try await app.runService()
    }
}
