import Hummingbird
import NIOCore

/// `GET /openapi.json`: the committed OpenAPI 3.1 document of `/api` and `/v1`, compiled into the
/// binary (Scripts/openapi/gen.py writes it; schemathesis checks the server against it).
struct OpenAPIRoute {
    static let document = ByteBuffer(bytes: PackageResources.openapi_json)

    func register(_ router: Router<ServerContext>) {
        router.get("/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json", .cacheControl: "public, max-age=300"],
                body: ResponseBody(byteBuffer: Self.document))
        }
    }
}
