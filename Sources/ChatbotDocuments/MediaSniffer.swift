public import Foundation

/// Recognises audio and video containers by their first bytes.
public enum MediaSniffer {
    /// Whether `head` (the first 64 bytes or so) starts an audio or video file: WAV/AVI (RIFF),
    /// AIFF, MP3 (ID3 or a frame header), AAC (ADTS), MP4/M4A/MOV (`ftyp`, `moov`, `mdat`), FLAC,
    /// Ogg, Matroska/WebM (EBML).
    public static func isMedia(_ head: Data) -> Bool {
        let bytes = [UInt8](head.prefix(64))
        func ascii(_ offset: Int, _ text: String) -> Bool {
            let expected = Array(text.utf8)
            return bytes.count >= offset + expected.count && Array(bytes[offset..<offset + expected.count]) == expected
        }
        if ascii(0, "RIFF") && (ascii(8, "WAVE") || ascii(8, "AVI ")) { return true }
        if ascii(0, "FORM") && (ascii(8, "AIFF") || ascii(8, "AIFC")) { return true }
        if ascii(0, "ID3") || ascii(0, "fLaC") || ascii(0, "OggS") { return true }
        if bytes.starts(with: [0x1A, 0x45, 0xDF, 0xA3]) { return true }
        if ascii(4, "ftyp") || ascii(4, "moov") || ascii(4, "mdat") || ascii(4, "wide") { return true }
        if bytes.count >= 2, bytes[0] == 0xFF {
            // MPEG audio frame sync (not FF FE / FF FF: UTF-16 byte-order marks and padding).
            let second = bytes[1]
            if [0xFB, 0xFA, 0xF3, 0xF2, 0xE3, 0xE2, 0xF1, 0xF9].contains(second) { return true }
        }
        return false
    }
}
