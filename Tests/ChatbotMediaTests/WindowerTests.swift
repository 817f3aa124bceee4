import ChatbotMedia
import Foundation
import Testing

@Suite("Cutting long audio into windows at quiet points")
struct WindowerTests {
    /// Tone with one-second silences starting at each of `gaps` (seconds), `total` seconds long.
    private func signal(total: Double, gaps: [Double], rate: Int = 16_000) -> [Float] {
        (0..<Int(total * Double(rate))).map { index in
            let time = Double(index) / Double(rate)
            if gaps.contains(where: { time >= $0 && time < $0 + 1 }) { return 0 }
            return Float(sin(time * 2 * .pi * 220)) * 0.5
        }
    }

    @Test("cuts fall in the silences, windows are contiguous and bounded")
    func cutsAtSilence() {
        let gaps = [7.5, 16.0, 24.2]
        let samples = signal(total: 30, gaps: gaps)
        var windower = AudioWindower(policy: WindowPolicy(maxSeconds: 10, searchSeconds: 4), sampleRate: 16_000)
        var windows: [AudioWindow] = []
        for start in stride(from: 0, to: samples.count, by: 4000) {
            windows += windower.append(Array(samples[start..<min(start + 4000, samples.count)]))
        }
        if let last = windower.finish() { windows.append(last) }
        #expect(windows.map(\.index) == Array(0..<windows.count))
        #expect(windows.reduce(0) { $0 + $1.samples.count } == samples.count)
        var expectedStart = 0.0
        for window in windows {
            #expect(abs(window.startSeconds - expectedStart) < 1e-9)
            #expect(window.durationSeconds <= 10)
            expectedStart += window.durationSeconds
        }
        for window in windows.dropFirst() {
            let cut = window.startSeconds
            #expect(gaps.contains { cut > $0 && cut < $0 + 1 }, "cut at \(cut) is not in a silence")
        }
        #expect(windows.count == 4)
    }

    @Test("without silence the cut lands at the maximum length")
    func noSilence() {
        let samples = signal(total: 12, gaps: [])
        var windower = AudioWindower(policy: WindowPolicy(maxSeconds: 5), sampleRate: 16_000)
        var windows = windower.append(samples)
        if let last = windower.finish() { windows.append(last) }
        #expect(windows.allSatisfy { $0.durationSeconds <= 5 })
        #expect(windows.reduce(0) { $0 + $1.samples.count } == samples.count)
    }

    @Test("the upload limit bounds the window length")
    func uploadLimit() {
        let policy = WindowPolicy.fitting(uploadLimitBytes: 25 * 1024 * 1024, sampleRate: 16_000, maxSeconds: 3600)
        let bytes = WAVEncoder.headerSize + Int(policy.maxSeconds * 16_000) * 2
        #expect(bytes < 25 * 1024 * 1024)
        #expect(policy.maxSeconds > 700)
    }
}
