import ChatbotCore
import ChatbotS3
import Foundation
import Testing

@Suite("S3Configuration: s3:// URLs and addressing")
struct S3ConfigurationTests {
    @Test("a full s3:// URL sets endpoint, region, bucket, prefix and path style")
    func parsesFullURL() throws {
        let configuration = try S3Configuration(
            url: "s3://my-bucket/chat/objects/?endpoint=http://127.0.0.1:9000&region=eu-west-1&path_style=true")
        #expect(configuration.bucket == "my-bucket")
        #expect(configuration.prefix == "chat/objects")
        #expect(configuration.region == "eu-west-1")
        #expect(configuration.endpoint.absoluteString == "http://127.0.0.1:9000")
        #expect(configuration.usesPathStyle)
    }

    @Test("without parameters: AWS's regional endpoint, virtual-hosted, region from the environment")
    func defaultsToAWS() throws {
        let fromRegion = try S3Configuration(url: "s3://bucket.one", environment: ["AWS_REGION": "ap-south-1"])
        #expect(fromRegion.region == "ap-south-1")
        #expect(fromRegion.endpoint.absoluteString == "https://s3.ap-south-1.amazonaws.com")
        #expect(!fromRegion.usesPathStyle)
        #expect(fromRegion.prefix == "")
        let fromDefault = try S3Configuration(url: "s3://bucket", environment: ["AWS_DEFAULT_REGION": "us-west-2"])
        #expect(fromDefault.region == "us-west-2")
        let both = try S3Configuration(
            url: "s3://bucket", environment: ["AWS_REGION": "eu-north-1", "AWS_DEFAULT_REGION": "us-west-2"])
        #expect(both.region == "eu-north-1")
        #expect(try S3Configuration(url: "s3://bucket").region == "us-east-1")
        #expect(
            try S3Configuration(url: "s3://bucket?region=sa-east-1", environment: ["AWS_REGION": "x"]).region
                == "sa-east-1")
    }

    @Test("a custom endpoint defaults to path style; path_style=false overrides it")
    func customEndpointPathStyle() throws {
        #expect(try S3Configuration(url: "s3://bucket?endpoint=https://r2.example.com").usesPathStyle)
        #expect(try !S3Configuration(url: "s3://bucket?endpoint=https://r2.example.com&path_style=false").usesPathStyle)
    }

    @Test(
        "malformed object store URLs are usage errors",
        arguments: [
            "http://bucket/prefix", "s3://", "s3://UpperCase", "s3://ab", "s3://bucket?endpoint=ftp://x",
            "s3://bucket?endpoint=nohost", "s3://bucket?path_style=maybe", "s3://bucket?color=blue",
            "s3://bucket?region=", "s3://-bucket",
        ])
    func rejectsMalformedURLs(url: String) throws {
        let error = try #require(throws: ChatbotError.self) { try S3Configuration(url: url) }
        #expect(error.kind == .usage)
        #expect(error.hint?.contains("s3://bucket/prefix") == true)
    }

    @Test("path-style addressing puts the bucket in the path and keeps a non-default port")
    func pathStyleLocation() throws {
        let configuration = try S3Configuration(url: "s3://bucket/p?endpoint=http://127.0.0.1:9000")
        let location = configuration.location(forKey: configuration.fullKey("ab/cd/file name"))
        #expect(location.scheme == "http")
        #expect(location.host == "127.0.0.1:9000")
        #expect(location.path == "/bucket/p/ab/cd/file name")
        #expect(configuration.location(forKey: nil).path == "/bucket")
    }

    @Test("virtual-hosted addressing puts the bucket in the host and drops default ports")
    func virtualHostedLocation() throws {
        let configuration = S3Configuration(
            bucket: "bucket", prefix: "/a/b/", region: "us-east-1",
            endpoint: URL(string: "https://s3.example.com:443"), usesPathStyle: false)
        #expect(configuration.prefix == "a/b")
        let location = configuration.location(forKey: configuration.fullKey("k"))
        #expect(location.host == "bucket.s3.example.com")
        #expect(location.path == "/a/b/k")
        #expect(configuration.location(forKey: nil).path == "/")
    }

    @Test("the request URL is percent-encoded the way it is signed")
    func requestURLEncoding() {
        let request = SigV4Request(
            method: "GET", scheme: "http", host: "127.0.0.1:9000", path: "/bucket/a b/c+d",
            query: [("prefix", "x/y"), ("list-type", "2")])
        #expect(request.urlString == "http://127.0.0.1:9000/bucket/a%20b/c%2Bd?list-type=2&prefix=x%2Fy")
    }

    @Test("credentials come from the environment and never show the secret")
    func credentialsFromEnvironment() throws {
        #expect(S3Credentials(environment: [:]) == nil)
        #expect(S3Credentials(environment: ["AWS_ACCESS_KEY_ID": "id", "AWS_SECRET_ACCESS_KEY": ""]) == nil)
        let credentials = try #require(
            S3Credentials(environment: [
                "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s3cr3t", "AWS_SESSION_TOKEN": "tok3n",
            ]))
        #expect(credentials.sessionToken == "tok3n")
        #expect(!credentials.description.contains("s3cr3t"))
        #expect(!credentials.description.contains("tok3n"))
        #expect(credentials.description.contains("AKID"))
    }
}
