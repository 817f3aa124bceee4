import ChatbotCore
import ChatbotHTML
import Foundation
import ZIPFoundation

/// A zip archive (OOXML, ODF, EPUB) read under caps: entry count, per-entry and total inflated
/// bytes and compression ratio are checked while inflating, and unsafe entry names are refused.
final class SafeZip {
    private let archive: Archive
    private let source: String
    private let options: ExtractionOptions
    /// Entry paths in archive order.
    let paths: [String]
    private let entries: [String: Entry]
    private var inflatedTotal = 0

    init(data: Data, source: String, options: ExtractionOptions) throws {
        self.source = source
        self.options = options
        // A file-backed archive, not `Archive(data:)`: ZIPFoundation's in-memory file traps on
        // out-of-range offsets in corrupt archives, while stdio reads just come back short. The
        // file lives in a private folder and is unlinked as soon as it is open.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "chatbot-zip-\(UUID().uuidString)", isDirectory: true)
        let archive: Archive
        do {
            try FileManager.default.createDirectory(
                at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = folder.appendingPathComponent("archive.zip")
            try data.write(to: file)
            archive = try Archive(url: file, accessMode: .read)
        } catch {
            throw ChatbotError(.runtime, "\(source): not a readable zip archive (truncated or corrupt)")
        }
        self.archive = archive
        var paths: [String] = []
        var entries: [String: Entry] = [:]
        for entry in archive {
            guard paths.count < options.maxArchiveEntries else {
                throw ChatbotError(
                    .runtime,
                    "\(source): the archive has more than \(options.maxArchiveEntries) entries, refused as a zip bomb")
            }
            let path = entry.path
            try Self.checkName(path, source: source)
            paths.append(path)
            entries[path] = entry
        }
        guard !paths.isEmpty else {
            throw ChatbotError(.runtime, "\(source): the zip archive is empty, truncated or corrupt")
        }
        self.paths = paths
        self.entries = entries
    }

    /// Refuses names that could escape a target folder.
    static func checkName(_ path: String, source: String) throws {
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        if path.hasPrefix("/") || path.contains("\\") || components.contains("..") || path.contains(":")
            || path.utf8.contains(0)
        {
            throw ChatbotError(
                .runtime, "\(source): the archive entry name \"\(path)\" is unsafe (absolute path, '..' or backslash)")
        }
    }

    func contains(_ path: String) -> Bool { entries[path] != nil }

    /// The inflated bytes of an entry, or `nil` when it does not exist.
    func read(_ path: String) throws -> Data? {
        guard let entry = entries[path] else { return nil }
        guard entry.type == .file else { return nil }
        let compressed = max(Int(clamping: entry.compressedSize), 1)
        let ratioCap =
            compressed > Int.max / options.maxCompressionRatio ? Int.max : compressed * options.maxCompressionRatio
        let entryCap = min(options.maxEntryBytes, max(ratioCap, 64 << 10))
        var output = Data()
        do {
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                output.append(chunk)
                self.inflatedTotal += chunk.count
                if output.count > entryCap {
                    throw ZipLimit.entry(entryCap)
                }
                if self.inflatedTotal > self.options.maxTotalInflatedBytes {
                    throw ZipLimit.total(self.options.maxTotalInflatedBytes)
                }
            }
        } catch let limit as ZipLimit {
            switch limit {
            case .entry(let cap):
                throw ChatbotError(
                    .runtime,
                    "\(source): archive entry \"\(path)\" inflates beyond \(cap) bytes "
                        + "(compressed \(compressed) bytes), refused as a zip bomb")
            case .total(let cap):
                throw ChatbotError(
                    .runtime, "\(source): the archive inflates beyond \(cap) bytes in all, refused as a zip bomb")
            }
        } catch {
            throw ChatbotError(.runtime, "\(source): archive entry \"\(path)\" is corrupt or truncated")
        }
        return output
    }

    /// The entry parsed as XML with entities and DTDs refused; `nil` when absent.
    func xml(_ path: String) throws -> HTMLNode? {
        guard let data = try read(path) else { return nil }
        return try SafeXMLDocument(data: data, source: "\(source): \(path)").root
    }

    private enum ZipLimit: Error {
        case entry(Int)
        case total(Int)
    }
}
