import ChatbotCore
import Foundation
import Testing

/// Checks shared by the speech tests: word error rate, subtitle structure, timestamp order.
enum TranscriptChecks {
    /// Lower-case words without punctuation.
    static func words(_ text: String) -> [String] {
        text.lowercased()
            .map { $0.isLetter || $0.isNumber || $0 == "'" ? $0 : " " }
            .reduce(into: "") { $0.append($1) }
            .split(separator: " ").map(String.init)
    }

    /// Word error rate: word-level edit distance over the reference length.
    static func wordErrorRate(reference: String, hypothesis: String) -> Double {
        let expected = words(reference)
        let heard = words(hypothesis)
        guard !expected.isEmpty else { return heard.isEmpty ? 0 : 1 }
        var previous = Array(0...heard.count)
        for (row, word) in expected.enumerated() {
            var current = [row + 1] + Array(repeating: 0, count: heard.count)
            for column in 1...max(1, heard.count) where column <= heard.count {
                let substitution = previous[column - 1] + (word == heard[column - 1] ? 0 : 1)
                current[column] = min(substitution, previous[column] + 1, current[column - 1] + 1)
            }
            previous = current
        }
        return Double(previous[heard.count]) / Double(expected.count)
    }

    /// Segments in order, not overlapping, inside `0…duration` (with a little slack for rounding).
    static func expectMonotonic(_ segments: [TranscriptSegment], within duration: Double) {
        var previousEnd = 0.0
        for segment in segments {
            #expect(segment.start >= previousEnd - 0.001, "segment starts at \(segment.start) before \(previousEnd)")
            #expect(segment.end >= segment.start)
            #expect(segment.end <= duration + 0.05, "segment ends at \(segment.end) after \(duration)")
            previousEnd = segment.end
        }
    }

    /// Parses SRT strictly: numbered cues from 1, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, non-empty text,
    /// a blank line after each. Returns the cue times.
    static func parseSRT(_ text: String) throws -> [(Double, Double)] {
        let blocks = text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        #expect(text.hasSuffix("\n\n"))
        var times: [(Double, Double)] = []
        for (number, block) in blocks.enumerated() {
            let lines = block.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            try #require(lines.count >= 3, "cue \(number + 1) has too few lines: \(block)")
            #expect(lines[0] == String(number + 1))
            times.append(try parseTimes(lines[1], separator: ","))
            #expect(lines[2...].allSatisfy { !$0.trimmingCharacters(in: .whitespaces).isEmpty })
        }
        return times
    }

    /// Parses WebVTT strictly: the `WEBVTT` header, then cues of a timing line and text.
    static func parseVTT(_ text: String) throws -> [(Double, Double)] {
        var blocks = text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        try #require(blocks.first == "WEBVTT")
        blocks.removeFirst()
        var times: [(Double, Double)] = []
        for block in blocks {
            let lines = block.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            try #require(lines.count >= 2, "cue has too few lines: \(block)")
            times.append(try parseTimes(lines[0], separator: "."))
            #expect(lines[1...].allSatisfy { !$0.isEmpty && !$0.contains("-->") })
        }
        return times
    }

    private static func parseTimes(_ line: String, separator: Character) throws -> (Double, Double) {
        let parts = line.components(separatedBy: " --> ")
        try #require(parts.count == 2, "bad timing line: \(line)")
        return (try parseTime(parts[0], separator: separator), try parseTime(parts[1], separator: separator))
    }

    private static func parseTime(_ text: String, separator: Character) throws -> Double {
        // HH:MM:SS<sep>mmm exactly.
        let characters = Array(text)
        try #require(characters.count == 12, "bad timestamp: \(text)")
        try #require(
            characters[2] == ":" && characters[5] == ":" && characters[8] == separator, "bad timestamp: \(text)")
        let hours = try #require(Int(String(characters[0..<2])))
        let minutes = try #require(Int(String(characters[3..<5])))
        let seconds = try #require(Int(String(characters[6..<8])))
        let millis = try #require(Int(String(characters[9..<12])))
        #expect(minutes < 60 && seconds < 60)
        return Double(hours * 3600 + minutes * 60 + seconds) + Double(millis) / 1000
    }
}
