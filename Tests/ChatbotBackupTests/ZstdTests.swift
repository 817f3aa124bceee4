import Foundation
import Testing

@testable import ChatbotBackup

@Suite("zstd streaming")
struct ZstdTests {
    private static func roundTrip(_ input: Data, pieceSize: Int, level: Int32 = 3) throws -> (Data, Int) {
        let compressor = try ZstdCompressor(level: level)
        var compressed = Data()
        var offset = 0
        while offset < input.count {
            let end = min(offset + pieceSize, input.count)
            compressed.append(try compressor.compress(input.subdata(in: offset..<end)))
            offset = end
        }
        compressed.append(try compressor.finish())
        let decompressor = try ZstdDecompressor()
        var output = Data()
        offset = 0
        while offset < compressed.count {
            let end = min(offset + 7919, compressed.count)
            try decompressor.decompress(compressed.subdata(in: offset..<end)) { output.append($0) }
            offset = end
        }
        try decompressor.finish()
        return (output, compressed.count)
    }

    @Test("random data survives a round trip in uneven pieces across buffer boundaries")
    func randomData() throws {
        var generator = SystemRandomNumberGenerator()
        let input = Data((0..<(3 << 20) + 123).map { _ in UInt8.random(in: 0...255, using: &generator) })
        for pieceSize in [1 << 20, 131_071, 1_000_003] {
            let (output, _) = try Self.roundTrip(input, pieceSize: pieceSize)
            #expect(output == input)
        }
    }

    @Test("compressible data shrinks and survives, output larger than one buffer per input piece")
    func compressibleData() throws {
        let line = Data("{\"role\":\"user\",\"content\":\"hello world\"}\n".utf8)
        var input = Data()
        for _ in 0..<200_000 { input.append(line) }
        let (output, compressedSize) = try Self.roundTrip(input, pieceSize: 4 << 20, level: 19)
        #expect(output == input)
        #expect(compressedSize < input.count / 50)
    }

    @Test("empty input and a truncated frame")
    func emptyAndTruncated() throws {
        let (output, _) = try Self.roundTrip(Data(), pieceSize: 10)
        #expect(output.isEmpty)

        let compressor = try ZstdCompressor()
        var compressed = try compressor.compress(Data(repeating: 7, count: 100_000))
        compressed.append(try compressor.finish())
        let decompressor = try ZstdDecompressor()
        try decompressor.decompress(compressed.prefix(compressed.count - 5)) { _ in }
        #expect(throws: (any Error).self) { try decompressor.finish() }
    }
}
