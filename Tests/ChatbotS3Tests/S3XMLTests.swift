import ChatbotS3
import Foundation
import Testing

@Suite("S3 XML responses: ListObjectsV2 and errors")
struct S3XMLTests {
    @Test("a truncated ListObjectsV2 page yields its objects and the continuation token")
    func listPage() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <Name>bucket</Name><Prefix>p/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>
              <IsTruncated>true</IsTruncated>
              <Contents><Key>p/ab/cd/one</Key><LastModified>2024-01-01T00:00:00.000Z</LastModified>
                <ETag>&quot;0123&quot;</ETag><Size>42</Size><StorageClass>STANDARD</StorageClass></Contents>
              <Contents><Key>p/a &amp; b</Key><ETag>"4567"</ETag><Size>0</Size></Contents>
              <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
            </ListBucketResult>
            """
        let page = try #require(S3ListPage(xml: Array(xml.utf8)))
        #expect(
            page.objects == [
                .init(key: "p/ab/cd/one", size: 42, eTag: "0123"), .init(key: "p/a & b", size: 0, eTag: "4567"),
            ])
        #expect(page.nextContinuationToken == "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=")
    }

    @Test("the last page has no continuation token; an empty bucket has no objects")
    func lastPage() throws {
        let xml = "<ListBucketResult><IsTruncated>false</IsTruncated><KeyCount>0</KeyCount></ListBucketResult>"
        let page = try #require(S3ListPage(xml: Array(xml.utf8)))
        #expect(page.objects.isEmpty)
        #expect(page.nextContinuationToken == nil)
        #expect(S3ListPage(xml: Array("<Error><Code>x</Code></Error>".utf8)) == nil)
        #expect(S3ListPage(xml: Array("not xml".utf8)) == nil)
    }

    @Test("an <Error> body becomes an S3Error with code, message and request ID")
    func errorBody() {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message>
            <BucketName>missing</BucketName><RequestId>4442587FB7D0A2F9</RequestId></Error>
            """
        let error = S3Error(statusCode: 404, body: Array(xml.utf8), operation: "GET missing/")
        #expect(error.code == "NoSuchBucket")
        #expect(error.message == "The specified bucket does not exist")
        #expect(error.requestID == "4442587FB7D0A2F9")
        #expect(!error.isRetryable)
        #expect(
            error.description
                == "S3 GET missing/ failed: HTTP 404 NoSuchBucket: The specified bucket does not exist"
                + " (request 4442587FB7D0A2F9)")
    }

    @Test("5xx, SlowDown and bodies that are not XML")
    func retryableAndOpaque() {
        let slowDown = S3Error(
            statusCode: 503, body: Array("<Error><Code>SlowDown</Code><Message>Reduce</Message></Error>".utf8),
            operation: "PUT b/k")
        #expect(slowDown.isRetryable)
        #expect(slowDown.code == "SlowDown")
        let opaque = S3Error(statusCode: 502, body: Array("<html>bad gateway".utf8), operation: "GET b/k")
        #expect(opaque.code.isEmpty)
        #expect(opaque.isRetryable)
        #expect(opaque.description == "S3 GET b/k failed: HTTP 502")
        #expect(!S3Error(statusCode: 403, body: [], operation: "GET b/k").isRetryable)
    }

    @Test("the retry delay grows exponentially, is capped and jittered")
    func retryDelay() {
        let policy = S3RetryPolicy(maxAttempts: 5, initialDelay: .milliseconds(100), maxDelay: .milliseconds(300))
        for _ in 0..<20 {
            let first = policy.delay(beforeRetry: 1)
            #expect(first >= .milliseconds(50) && first <= .milliseconds(100))
            let second = policy.delay(beforeRetry: 2)
            #expect(second >= .milliseconds(100) && second <= .milliseconds(200))
            let capped = policy.delay(beforeRetry: 10)
            #expect(capped >= .milliseconds(150) && capped <= .milliseconds(300))
        }
        #expect(S3RetryPolicy(maxAttempts: 0).maxAttempts == 1)
    }
}
