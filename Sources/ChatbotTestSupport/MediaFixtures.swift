public import Foundation

/// Media files made at test time from a known script: espeak-ng speaks it, the ffmpeg CLI turns the
/// speech into each container (audio-only, and video with a still image), with and without
/// subtitle tracks; plus damaged files and playlists renamed to `.mp4`. Nothing is committed.
///
/// Built once per test process into a temporary directory (``shared``), because every suite
/// reads the same files.
public struct MediaFixtures: Sendable {
    /// The words espeak-ng speaks (the reference for word error rate).
    public static let script =
        "The quick brown fox jumps over the lazy dog. "
        + "She sells sea shells by the sea shore. "
        + "We will meet at the train station at nine in the morning."

    /// The cues of the subtitle tracks muxed into the videos: (start, end, text).
    public static let subtitleCues: [(start: Double, end: Double, text: String)] = [
        (0.5, 3.0, "Subtitle line one about a fox."),
        (3.5, 6.0, "Subtitle line two about the sea."),
    ]

    /// The directory holding every file.
    public let directory: URL

    /// A file in ``directory``.
    public func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    /// The audio-only files (name → container family expected from the probe).
    public static let audioFiles: [String: String] = [
        "speech.wav": "wav", "speech.mp3": "mp3", "speech.m4a": "mov", "speech.flac": "flac",
        "speech.ogg": "ogg",
    ]

    /// The videos with a still image (name → container family).
    public static let videoFiles: [String: String] = [
        "video.mp4": "mov", "video.mkv": "matroska", "video.webm": "matroska", "video.mov": "mov",
    ]

    /// Videos with a text subtitle track (name → subtitle codec).
    public static let subtitledFiles: [String: String] = [
        "subs-srt.mkv": "subrip", "subs-ass.mkv": "ass", "subs-movtext.mp4": "mov_text", "subs-vtt.webm": "webvtt",
    ]

    /// The fixtures of this test process, built on first use.
    public static var shared: MediaFixtures {
        get throws { try built.get() }
    }

    private static let sharedDirectory = FileManager.default.temporaryDirectory
        .appendingPathComponent("chatbot-media-fixtures-\(UUID().uuidString)", isDirectory: true)

    private static let built = Result {
        // The shared fixtures live as long as the test process; remove them when it exits.
        atexit { try? FileManager.default.removeItem(at: MediaFixtures.sharedDirectory) }
        return try MediaFixtures.build(into: sharedDirectory)
    }

    /// Builds the fixtures into `directory` (created when missing).
    public static func build(into directory: URL) throws -> MediaFixtures {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let fixtures = MediaFixtures(directory: directory)
        try fixtures.make()
        return fixtures
    }

    private func make() throws {
        let wav = path("speech.wav")
        try run("espeak-ng", ["-v", "en-us", "-s", "150", "-w", wav, Self.script])
        try ffmpeg(["-i", wav, "-c:a", "libmp3lame", "-b:a", "64k", path("speech.mp3")])
        try ffmpeg(["-i", wav, "-c:a", "aac", "-b:a", "64k", path("speech.m4a")])
        try ffmpeg(["-i", wav, "-c:a", "flac", path("speech.flac")])
        try ffmpeg(["-i", wav, "-c:a", "libopus", "-b:a", "32k", path("speech.ogg")])

        // A still image for the videos, and metadata with a title tag and two chapters.
        let metadata = path("metadata.txt")
        try """
        ;FFMETADATA1
        title=Fixture talk
        artist=chatbot tests

        [CHAPTER]
        TIMEBASE=1/1000
        START=0
        END=3000
        title=Opening

        [CHAPTER]
        TIMEBASE=1/1000
        START=3000
        END=6000
        title=Middle

        """.write(toFile: metadata, atomically: true, encoding: .utf8)
        let still = ["-f", "lavfi", "-i", "color=c=navy:s=320x240:r=5"]
        try ffmpeg(
            still + [
                "-i", wav, "-i", metadata, "-map", "0:v", "-map", "1:a", "-map_metadata", "2", "-shortest",
                "-c:v", "mpeg4", "-c:a", "aac", path("video.mp4"),
            ])
        try ffmpeg(
            still + [
                "-i", wav, "-i", metadata, "-map", "0:v", "-map", "1:a", "-map_metadata", "2", "-shortest",
                "-c:v", "mpeg4", "-c:a", "libopus", path("video.mkv"),
            ])
        try ffmpeg(
            still + [
                "-i", wav, "-shortest", "-c:v", "libvpx", "-deadline", "realtime", "-b:v", "100k", "-c:a",
                "libopus", path("video.webm"),
            ])
        try ffmpeg(still + ["-i", wav, "-shortest", "-c:v", "mpeg4", "-c:a", "aac", path("video.mov")])

        let srt = path("subs.srt")
        var srtText = ""
        for (number, cue) in Self.subtitleCues.enumerated() {
            srtText += "\(number + 1)\n\(Self.srtTime(cue.start)) --> \(Self.srtTime(cue.end))\n\(cue.text)\n\n"
        }
        try srtText.write(toFile: srt, atomically: true, encoding: .utf8)
        try ffmpeg([
            "-i", path("video.mp4"), "-i", srt, "-map", "0:v", "-map", "0:a", "-map", "1", "-c", "copy", "-c:s", "srt",
            path("subs-srt.mkv"),
        ])
        try ffmpeg([
            "-i", path("video.mp4"), "-i", srt, "-map", "0:v", "-map", "0:a", "-map", "1", "-c", "copy", "-c:s", "ass",
            path("subs-ass.mkv"),
        ])
        try ffmpeg([
            "-i", path("video.mp4"), "-i", srt, "-map", "0:v", "-map", "0:a", "-map", "1", "-c", "copy", "-c:s",
            "mov_text",
            path("subs-movtext.mp4"),
        ])
        try ffmpeg([
            "-i", path("video.webm"), "-i", srt, "-map", "0:v", "-map", "0:a", "-map", "1", "-c", "copy", "-c:s",
            "webvtt",
            path("subs-vtt.webm"),
        ])

        // Damaged files: an MP4 cut in half (its index is at the end), a FLAC cut to 40 % (its header
        // declares the full length), noise.
        try truncate("video.mp4", to: 0.5, into: "truncated.mp4")
        try truncate("speech.flac", to: 0.4, into: "truncated.flac")
        // Pseudo-random bytes from a fixed seed, so every run sees the same "file".
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let noise = Data(
            (0..<65_536).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return UInt8(truncatingIfNeeded: state >> 33)
            })
        try noise.write(to: directory.appendingPathComponent("noise.mp4"))

        // Files that point at other files, renamed to look like media.
        try """
        #EXTM3U
        #EXT-X-VERSION:3
        #EXT-X-TARGETDURATION:10
        #EXTINF:10.0,
        speech.wav
        #EXT-X-ENDLIST

        """.write(toFile: path("playlist.mp4"), atomically: true, encoding: .utf8)
        try "ffconcat version 1.0\nfile speech.wav\nfile speech.wav\n".write(
            toFile: path("concat.mp4"), atomically: true, encoding: .utf8)
    }

    /// Makes `name` from `copies` copies of the speech, each followed by `gap` seconds of silence
    /// (sox), for the long-file tests. Returns its path.
    public func longSpeech(copies: Int, gap: Double, name: String) throws -> String {
        let output = path(name)
        if FileManager.default.fileExists(atPath: output) { return output }
        try run("sox", [path("speech.wav"), output, "pad", "0", String(gap), "repeat", String(copies - 1)])
        return output
    }

    private func truncate(_ name: String, to fraction: Double, into output: String) throws {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        try data.prefix(Int(Double(data.count) * fraction)).write(to: directory.appendingPathComponent(output))
    }

    private func ffmpeg(_ arguments: [String]) throws {
        try run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-nostdin", "-y"] + arguments)
    }

    /// Runs a program found on `PATH`; throws with its stderr when it fails.
    public func run(_ program: String, _ arguments: [String]) throws {
        try Self.run(program, arguments)
    }

    /// Runs a program found on `PATH`; throws with its stderr when it fails.
    public static func run(_ program: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw FixtureError(
                message: "cannot run \(program): \(error) (Scripts/setup installs ffmpeg, espeak-ng, sox)")
        }
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FixtureError(
                message:
                    "\(program) \(arguments.joined(separator: " ")) failed: \(String(decoding: output, as: UTF8.self))")
        }
    }

    private static func srtTime(_ seconds: Double) -> String {
        let milliseconds = Int((seconds * 1000).rounded())
        let hours = milliseconds / 3_600_000
        let minutes = milliseconds / 60_000 % 60
        let secs = milliseconds / 1000 % 60
        let millis = milliseconds % 1000
        return String(format: "%02d:%02d:%02d,%03d", hours, minutes, secs, millis)
    }
}

/// A fixture could not be made (a tool is missing or failed).
public struct FixtureError: Error, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    /// The message.
    public var description: String { message }
}
