import ChatbotS3
import Foundation
import Testing

/// The worked examples of "Authenticating Requests: Using the Authorization Header (AWS Signature
/// Version 4)" and "Query String Authentication" in the Amazon S3 API reference.
@Suite("SigV4Signer (AWS's published S3 examples)")
struct SigV4SignerTests {
    static let credentials = S3Credentials(
        accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    static let signer = SigV4Signer(credentials: credentials, region: "us-east-1")
    /// 20130524T000000Z
    static let date = Date(timeIntervalSince1970: 1_369_353_600)
    static let host = "examplebucket.s3.amazonaws.com"

    @Test("the example date is 20130524T000000Z")
    func amzDate() {
        #expect(SigV4Signer.amzDate(Self.date) == "20130524T000000Z")
    }

    @Test("GET Object with Range: canonical request, string to sign and signature")
    func getObject() {
        let request = SigV4Request(
            method: "GET", host: Self.host, path: "/test.txt", headers: [("Range", "bytes=0-9")])
        let (headers, signature) = Self.signer.sign(
            request, payloadHash: SigV4Signer.emptyPayloadHash, date: Self.date)
        #expect(
            signature.canonicalRequest == """
                GET
                /test.txt

                host:examplebucket.s3.amazonaws.com
                range:bytes=0-9
                x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                x-amz-date:20130524T000000Z

                host;range;x-amz-content-sha256;x-amz-date
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                """)
        #expect(
            signature.stringToSign == """
                AWS4-HMAC-SHA256
                20130524T000000Z
                20130524/us-east-1/s3/aws4_request
                7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972
                """)
        #expect(signature.signature == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        let authorization = headers.first { $0.name == "Authorization" }?.value
        #expect(
            authorization
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test("PUT Object: hashed payload, a `$` in the key, Date and x-amz-storage-class signed")
    func putObject() {
        let body = Data("Welcome to Amazon S3.".utf8)
        let payloadHash = SigV4Signer.hexSHA256(body)
        #expect(payloadHash == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        let request = SigV4Request(
            method: "PUT", host: Self.host, path: "/test$file.text",
            headers: [("Date", "Fri, 24 May 2013 00:00:00 GMT"), ("x-amz-storage-class", "REDUCED_REDUNDANCY")])
        let (_, signature) = Self.signer.sign(request, payloadHash: payloadHash, date: Self.date)
        #expect(signature.canonicalRequest.hasPrefix("PUT\n/test%24file.text\n\n"))
        #expect(signature.signedHeaders == "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class")
        #expect(signature.signature == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    @Test("GET Bucket Lifecycle: a query parameter without a value")
    func getBucketLifecycle() {
        let request = SigV4Request(method: "GET", host: Self.host, path: "/", query: [("lifecycle", "")])
        let (_, signature) = Self.signer.sign(request, payloadHash: SigV4Signer.emptyPayloadHash, date: Self.date)
        #expect(signature.canonicalRequest.hasPrefix("GET\n/\nlifecycle=\n"))
        #expect(signature.signature == "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")
    }

    @Test("GET Bucket (List Objects): query parameters sorted")
    func listObjects() {
        let request = SigV4Request(
            method: "GET", host: Self.host, path: "/", query: [("prefix", "J"), ("max-keys", "2")])
        let (_, signature) = Self.signer.sign(request, payloadHash: SigV4Signer.emptyPayloadHash, date: Self.date)
        #expect(signature.canonicalRequest.hasPrefix("GET\n/\nmax-keys=2&prefix=J\n"))
        #expect(signature.signature == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
    }

    @Test("presigned GET URL valid for 86400 seconds")
    func presignedURL() {
        let request = SigV4Request(method: "GET", host: Self.host, path: "/test.txt")
        let (url, signature) = Self.signer.presignedURL(request, expires: 86_400, date: Self.date)
        #expect(signature.signature == "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
        #expect(
            url == "https://examplebucket.s3.amazonaws.com/test.txt"
                + "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                + "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
                + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
    }

    @Test("a different secret, region or date changes the signature")
    func keyDerivationDependsOnEveryInput() {
        let request = SigV4Request(method: "GET", host: Self.host, path: "/test.txt")
        let base = Self.signer.sign(request, payloadHash: SigV4Signer.emptyPayloadHash, date: Self.date).signature
        var otherSecret = Self.signer
        otherSecret.credentials.secretAccessKey += "x"
        var otherRegion = Self.signer
        otherRegion.region = "eu-west-1"
        let variants = [
            otherSecret.sign(request, payloadHash: SigV4Signer.emptyPayloadHash, date: Self.date).signature,
            otherRegion.sign(request, payloadHash: SigV4Signer.emptyPayloadHash, date: Self.date).signature,
            Self.signer.sign(
                request, payloadHash: SigV4Signer.emptyPayloadHash, date: Self.date.addingTimeInterval(86_400)
            ).signature,
        ]
        for variant in variants { #expect(variant.signature != base.signature) }
    }

    @Test("a session token is sent and signed as x-amz-security-token")
    func sessionToken() {
        var signer = Self.signer
        signer.credentials.sessionToken = "token/with+symbols"
        let request = SigV4Request(method: "GET", host: Self.host, path: "/test.txt")
        let (headers, signature) = signer.sign(request, payloadHash: SigV4Signer.unsignedPayload, date: Self.date)
        #expect(headers.contains { $0.name == "x-amz-security-token" && $0.value == "token/with+symbols" })
        #expect(signature.signedHeaders == "host;x-amz-content-sha256;x-amz-date;x-amz-security-token")
        #expect(signature.canonicalRequest.hasSuffix("\nUNSIGNED-PAYLOAD"))
        let presigned = signer.presignedURL(request, expires: 60, date: Self.date).url
        #expect(presigned.contains("X-Amz-Security-Token=token%2Fwith%2Bsymbols"))
    }

    @Test(
        "URI encoding keeps unreserved characters (and / in paths) and uppercases %XX",
        arguments: [
            ("a-b_c.d~e/f", true, "a-b_c.d~e/f"),
            ("a-b_c.d~e/f", false, "a-b_c.d~e%2Ff"),
            ("a b+c=d&e", false, "a%20b%2Bc%3Dd%26e"),
            ("caf\u{e9} *", true, "caf%C3%A9%20%2A"),
        ])
    func uriEncoding(input: String, keepSlash: Bool, expected: String) {
        #expect(SigV4Signer.uriEncode(input, keepSlash: keepSlash) == expected)
    }
}
