import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// `/openapi.json`: the committed document, served, and describing every route the router holds
/// (a route added without its description fails here; Scripts/check-openapi checks the answers).
@Suite("chatbot serve: the OpenAPI document")
struct ServerOpenAPITests {
    @Test("served without credentials as OpenAPI 3.1; every route of the router is in it, and nothing else")
    func everyRoute() async throws {
        try await ServerFixture.with { fixture in
            let document = try await fixture.client.execute(uri: "/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                return try ServerFixture.json(response.body)
            }
            #expect((document["openapi"] as? String)?.hasPrefix("3.1") == true)
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            var described: Set<String> = []
            for (path, operations) in paths {
                for method in operations.keys where ["get", "post", "put", "patch", "delete"].contains(method) {
                    described.insert("\(method.uppercased()) \(path)")
                }
            }
            let routed = Set(fixture.routes.map { "\($0.method) \($0.path)" })
            #expect(
                routed.subtracting(described).isEmpty,
                "routes the document lacks: \(routed.subtracting(described).sorted())")
            #expect(
                described.subtracting(routed).isEmpty,
                "described but not routed: \(described.subtracting(routed).sorted())")
        }
    }
}
