import Hummingbird
import NIOCore

/// The chat page at `/`: one HTML file, one style sheet and two ES modules, compiled into the
/// binary (no build step). Every response carries the server's CSP (this origin's files only, no
/// inline script or style); the files are revalidated on each load (`no-cache`) so an upgraded
/// server is never paired with an old script.
struct WebPageRoute {
    struct Asset: Sendable {
        let path: String
        let contentType: String
        let body: ByteBuffer
    }

    static let assets: [Asset] = [
        Asset(path: "/", contentType: "text/html; charset=utf-8", body: ByteBuffer(bytes: PackageResources.index_html)),
        Asset(
            path: "/app.js", contentType: "text/javascript; charset=utf-8",
            body: ByteBuffer(bytes: PackageResources.app_js)),
        Asset(
            path: "/markdown.js", contentType: "text/javascript; charset=utf-8",
            body: ByteBuffer(bytes: PackageResources.markdown_js)),
        Asset(
            path: "/app.css", contentType: "text/css; charset=utf-8", body: ByteBuffer(bytes: PackageResources.app_css)),
    ]

    func register(_ router: Router<ServerContext>) {
        for asset in Self.assets {
            router.get(RouterPath(asset.path)) { _, _ in
                Response(
                    status: .ok, headers: [.contentType: asset.contentType, .cacheControl: "no-cache"],
                    body: ResponseBody(byteBuffer: asset.body))
            }
        }
    }
}
