public import Foundation

/// Checks an uploaded file's first bytes against its name before anything is stored: a `.pdf`
/// must be a PDF, an Office or OpenDocument file a ZIP container, a media file a media
/// container, a text format text; a file with no known extension must still be one of those.
public enum UploadSniffer {
    /// What the first bytes are.
    public enum Content: String, Sendable, Hashable {
        case pdf, zip, media, text, binary

        var description: String {
            switch self {
            case .pdf: "a PDF"
            case .zip: "a ZIP container (Office, OpenDocument, EPUB)"
            case .media: "audio or video"
            case .text: "text"
            case .binary: "binary data of an unknown kind"
            }
        }
    }

    static let zipExtensions: Set<String> = ["docx", "pptx", "xlsx", "odt", "ods", "odp", "epub"]
    static let textExtensions: Set<String> = [
        "txt", "text", "md", "markdown", "html", "htm", "xhtml", "csv", "tsv", "json", "xml", "rst", "log",
    ]
    static let mediaExtensions: Set<String> = [
        "mp3", "mp4", "m4a", "m4v", "wav", "ogg", "oga", "opus", "webm", "mkv", "mov", "flac", "aac", "avi",
    ]

    /// What `head` (the first few KiB) is.
    public static func content(_ head: Data) -> Content {
        let bytes = [UInt8](head.prefix(8192))
        if let marker = bytes.firstRange(of: Array("%PDF-".utf8)), marker.lowerBound < 1024 { return .pdf }
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return .zip }
        if MediaSniffer.isMedia(Data(bytes.prefix(64))) { return .media }
        if !bytes.contains(0), isMostlyText(bytes) { return .text }
        return .binary
    }

    /// `nil` when `head` fits `filename`; otherwise why not, for the client.
    ///
    /// - Parameter acceptsMediaOnly: the upload must be audio or video (a transcription).
    public static func mismatch(filename: String, head: Data, mediaOnly: Bool = false) -> String? {
        let found = content(head)
        let ext = (filename as NSString).pathExtension.lowercased()
        if mediaOnly {
            return found == .media ? nil : "\(filename) is \(found.description), not audio or video"
        }
        let expected: Content? =
            if ext == "pdf" { .pdf } else if zipExtensions.contains(ext) { .zip } else if textExtensions.contains(ext) {
                .text
            } else if mediaExtensions.contains(ext) { .media } else { nil }
        if let expected {
            return found == expected
                ? nil : "\(filename) is named as \(expected.description) but its content is \(found.description)"
        }
        return found == .binary ? "\(filename) is \(found.description); upload a document, text, audio or video" : nil
    }

    /// Whether the bytes decode as UTF-8 (a cut last character allowed) or are mostly printable
    /// single-byte text (Latin-1, Windows-1252).
    static func isMostlyText(_ bytes: [UInt8]) -> Bool {
        if bytes.isEmpty { return true }
        var trimmed = bytes[...]
        for _ in 0..<3 where String(validating: trimmed, as: UTF8.self) == nil && !trimmed.isEmpty {
            trimmed = trimmed.dropLast()
        }
        if String(validating: trimmed, as: UTF8.self) != nil, !trimmed.isEmpty || bytes.count < 4 { return true }
        let control = bytes.count { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D && $0 != 0x0C }
        return control * 20 < bytes.count
    }

    /// `.ext` of an uploaded name when it is a plain short extension (letters and digits, 1–8),
    /// lowercased; otherwise nothing. For naming a temporary copy (FFmpeg reads by content anyway).
    public static func safeExtension(_ name: String?) -> String {
        guard let name, let dot = name.lastIndex(of: ".") else { return "" }
        let ext = name[name.index(after: dot)...]
        guard (1...8).contains(ext.count), ext.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            return ""
        }
        return "." + ext.lowercased()
    }
}
