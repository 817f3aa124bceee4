import ChatbotS3
import NIOCore
import Testing

@Suite("S3 part checksums")
struct S3ChecksumTests {
    @Test("CRC-32 in S3's form: the standard check value, big-endian, base64")
    func crc32() {
        // The CRC-32 (ISO-HDLC) check value of "123456789" is 0xCBF43926.
        #expect(S3Client.crc32(ByteBuffer(string: "123456789")) == "y/Q5Jg==")
        #expect(S3Client.crc32(ByteBuffer()) == "AAAAAA==")
        #expect(S3Client.crc32(ByteBuffer(string: "123456780")) != "y/Q5Jg==")
    }
}
