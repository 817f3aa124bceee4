import ChatbotCore
public import Foundation

/// Finds the files to ingest under the paths given on the command line.
///
/// A folder is walked recursively in name order. Hidden entries (names starting with `.`) are
/// skipped unless ``hidden`` is set; symbolic links to folders are not followed (no loops);
/// symbolic links to files are. In folders only files of a known type are taken (documents,
/// text, audio and video, by extension) unless an `--include` pattern names them. An ignore file
/// (`.chatbotignore`) in any folder applies to that folder's subtree, in gitignore's syntax:
/// one glob per line, `#` comments, `!` to re-include, a trailing `/` for folders only, a leading
/// `/` to anchor at that folder. Files named explicitly are always taken.
public struct SourceScanner: Sendable {
    /// Take only files matching one of these globs (when not empty).
    public var include: [String]
    /// Never take files or folders matching one of these globs.
    public var exclude: [String]
    /// Walk hidden files and folders too.
    public var hidden: Bool
    /// The ignore file's name.
    public var ignoreFileName: String

    /// Creates a scanner.
    public init(
        include: [String] = [], exclude: [String] = [], hidden: Bool = false, ignoreFileName: String = ".chatbotignore"
    ) {
        self.include = include
        self.exclude = exclude
        self.hidden = hidden
        self.ignoreFileName = ignoreFileName
    }

    /// What one command-line path yields.
    public struct Scan: Sendable {
        /// The prune root: the folder's absolute path ending in `/`, or the file's absolute path.
        public var root: String
        /// The files found, absolute and standardised.
        public var files: [URL]
    }

    /// Extensions taken from folders without an `--include`.
    public static let knownExtensions: Set<String> = [
        "pdf", "docx", "pptx", "xlsx", "odt", "ods", "odp", "epub", "html", "htm", "xhtml", "md", "markdown", "txt",
        "text", "rst", "csv", "tsv", "json", "wav", "mp3", "m4a", "aac", "flac", "ogg", "oga", "opus", "mp4", "m4v",
        "mkv", "webm", "mov", "aiff", "aif", "avi",
    ]

    /// Scans `path` (a file or folder).
    ///
    /// - Throws: ``ChatbotError`` `.usage` when the path does not exist or a pattern is invalid.
    public func scan(_ path: String) throws -> Scan {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw ChatbotError(.usage, "\(path): no such file or folder")
        }
        guard isDirectory.boolValue else { return Scan(root: url.path, files: [url]) }
        let includes = try include.map { try GlobPattern($0) }
        let excludes = try exclude.map { try GlobPattern($0) }
        var files: [URL] = []
        try walk(
            url, relative: "", rules: [], includes: includes, excludes: excludes, depth: 0, into: &files)
        return Scan(root: url.path.hasSuffix("/") ? url.path : url.path + "/", files: files)
    }

    private struct IgnoreRule {
        var pattern: GlobPattern
        var negated: Bool
        var directoryOnly: Bool
        /// The folder (relative to the scan root, with a trailing `/`, or empty) the file sits in.
        var base: String
    }

    private func walk(
        _ folder: URL, relative: String, rules inherited: [IgnoreRule], includes: [GlobPattern],
        excludes: [GlobPattern], depth: Int, into files: inout [URL]
    ) throws {
        guard depth < 64 else { return }
        var rules = inherited
        let ignoreFile = folder.appendingPathComponent(ignoreFileName)
        if let text = try? String(contentsOf: ignoreFile, encoding: .utf8) {
            rules += Self.parseIgnore(text, base: relative)
        }
        let keys: [URLResourceKey] = [.isDirectoryKey, .isSymbolicLinkKey, .isRegularFileKey]
        let entries =
            (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: keys, options: []))
            ?? []
        for entry in entries.sorted(by: { $0.lastPathComponent < $1.lastPathComponent }) {
            let name = entry.lastPathComponent
            if !hidden && name.hasPrefix(".") { continue }
            let values = try? entry.resourceValues(forKeys: Set(keys))
            let isLink = values?.isSymbolicLink ?? false
            var isDirectory = values?.isDirectory ?? false
            if isLink {
                var target: ObjCBool = false
                guard FileManager.default.fileExists(atPath: entry.path, isDirectory: &target) else { continue }
                if target.boolValue { continue }  // links to folders are not followed
                isDirectory = false
            }
            let path = relative + name
            if Self.ignored(path, isDirectory: isDirectory, rules: rules) { continue }
            if excludes.contains(where: { $0.matches(path: path, name: name) }) { continue }
            if isDirectory {
                try walk(
                    entry, relative: path + "/", rules: rules, includes: includes, excludes: excludes,
                    depth: depth + 1, into: &files)
                continue
            }
            if includes.isEmpty {
                guard Self.knownExtensions.contains(entry.pathExtension.lowercased()) else { continue }
            } else if !includes.contains(where: { $0.matches(path: path, name: name) }) {
                continue
            }
            files.append(entry.standardizedFileURL)
        }
    }

    private static func parseIgnore(_ text: String, base: String) -> [IgnoreRule] {
        text.split(whereSeparator: \.isNewline).compactMap { raw in
            var line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { return nil }
            let negated = line.hasPrefix("!")
            if negated { line.removeFirst() }
            let directoryOnly = line.hasSuffix("/")
            if directoryOnly { line.removeLast() }
            guard !line.isEmpty, let pattern = try? GlobPattern(line) else { return nil }
            return IgnoreRule(pattern: pattern, negated: negated, directoryOnly: directoryOnly, base: base)
        }
    }

    private static func ignored(_ path: String, isDirectory: Bool, rules: [IgnoreRule]) -> Bool {
        var ignored = false
        for rule in rules where !rule.directoryOnly || isDirectory {
            guard path.hasPrefix(rule.base) else { continue }
            let local = String(path.dropFirst(rule.base.count))
            let name = (local as NSString).lastPathComponent
            if rule.pattern.matches(path: local, name: name) { ignored = !rule.negated }
        }
        return ignored
    }
}

/// A shell glob: `*` (not `/`), `?`, `[…]`, and `**` for any number of folders. A pattern with
/// no `/` matches a file or folder name anywhere; one with a `/` matches the path from the scan
/// root (a leading `/` is dropped).
public struct GlobPattern: Sendable {
    private let regex: NSRegularExpression
    private let matchesName: Bool
    /// The pattern as written.
    public let pattern: String

    /// Compiles `pattern`.
    ///
    /// - Throws: ``ChatbotError`` `.usage` for a pattern that cannot be compiled.
    public init(_ pattern: String) throws {
        self.pattern = pattern
        var body = pattern
        if body.hasPrefix("/") { body.removeFirst() }
        matchesName = !pattern.contains("/")
        var expression = "^"
        let characters = Array(body)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "*":
                if index + 1 < characters.count, characters[index + 1] == "*" {
                    index += 1
                    if index + 1 < characters.count, characters[index + 1] == "/" {
                        index += 1
                        expression += "(?:.*/)?"
                    } else {
                        expression += ".*"
                    }
                } else {
                    expression += "[^/]*"
                }
            case "?": expression += "[^/]"
            case "[":
                if let close = characters[(index + 1)...].firstIndex(of: "]") {
                    var set = String(characters[(index + 1)..<close])
                    if set.hasPrefix("!") { set = "^" + set.dropFirst() }
                    expression += "[" + set.replacingOccurrences(of: "\\", with: "\\\\") + "]"
                    index = close
                } else {
                    expression += "\\["
                }
            default: expression += NSRegularExpression.escapedPattern(for: String(character))
            }
            index += 1
        }
        expression += "$"
        do {
            regex = try NSRegularExpression(pattern: expression)
        } catch {
            throw ChatbotError(.usage, "'\(pattern)' is not a valid glob pattern")
        }
    }

    /// Whether the pattern matches a file at `path` (relative to the scan root) called `name`.
    public func matches(path: String, name: String) -> Bool {
        let subject = matchesName ? name : path
        return regex.firstMatch(in: subject, range: NSRange(subject.startIndex..., in: subject)) != nil
    }
}
