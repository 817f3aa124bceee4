/// Cuts a stream of samples into windows no longer than the policy allows, each cut placed at
/// the quietest stretch (lowest energy over 200 ms) near the end of the window, so that words
/// are not split. Holds at most one window of samples plus the chunk being added.
public struct AudioWindower: Sendable {
    /// The cutting rules.
    public let policy: WindowPolicy
    /// Samples per second.
    public let sampleRate: Int
    private var buffer: [Float] = []
    private var bufferStart = 0
    private var nextIndex = 0

    /// Creates a windower.
    public init(policy: WindowPolicy, sampleRate: Int) {
        self.policy = policy
        self.sampleRate = sampleRate
    }

    private var maxSamples: Int { max(1, Int(policy.maxSeconds * Double(sampleRate))) }

    /// Adds decoded samples; returns the windows that are now complete.
    public mutating func append(_ samples: [Float]) -> [AudioWindow] {
        buffer.append(contentsOf: samples)
        var windows: [AudioWindow] = []
        while buffer.count > maxSamples {
            let cut = quietestCut()
            windows.append(emit(count: cut))
        }
        return windows
    }

    /// The last, partial window, if any samples remain.
    public mutating func finish() -> AudioWindow? {
        guard !buffer.isEmpty else { return nil }
        return emit(count: buffer.count)
    }

    private mutating func emit(count: Int) -> AudioWindow {
        let window = AudioWindow(
            index: nextIndex, startSeconds: Double(bufferStart) / Double(sampleRate),
            samples: Array(buffer[0..<count]), sampleRate: sampleRate)
        buffer.removeFirst(count)
        bufferStart += count
        nextIndex += 1
        return window
    }

    /// The sample offset, within the search range at the end of a full window, at the centre of
    /// the quietest 200 ms.
    private func quietestCut() -> Int {
        let frame = max(1, sampleRate / 50)  // 20 ms
        let span = 10  // frames: 200 ms
        let searchSamples = Int(policy.searchSeconds * Double(sampleRate))
        let lower = max(frame * span, maxSamples - searchSamples)
        let firstFrame = lower / frame
        let lastFrame = maxSamples / frame
        guard lastFrame - firstFrame > span else { return maxSamples }
        var energies: [Float] = []
        energies.reserveCapacity(lastFrame - firstFrame)
        for frameIndex in firstFrame..<lastFrame {
            var sum: Float = 0
            let base = frameIndex * frame
            for offset in 0..<frame {
                let sample = buffer[base + offset]
                sum += sample * sample
            }
            energies.append(sum)
        }
        var running: Float = energies[0..<span].reduce(0, +)
        var best = running
        var bestStart = 0
        for start in 1...(energies.count - span) {
            running += energies[start + span - 1] - energies[start - 1]
            // `<=` prefers the later of equal candidates: longer windows, fewer requests.
            if running <= best {
                best = running
                bestStart = start
            }
        }
        return (firstFrame + bestStart + span / 2) * frame
    }
}
