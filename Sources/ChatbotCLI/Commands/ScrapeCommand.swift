import ArgumentParser
import ChatbotCore
import ChatbotHTML
import ChatbotRetrieval
import Foundation

/// `chatbot scrape FILE... | -`: main content of saved web pages as Markdown, text or JSON.
struct ScrapeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scrape",
        abstract: "Extract the main content and metadata of web pages as Markdown, text or JSON.",
        discussion: """
            Reads HTML files (or `-` for stdin), finds the main content and drops navigation, headers, \
            footers, sidebars, comments, cookie banners, ads and related-story lists. Headings, \
            paragraphs, lists, tables, code blocks, links and emphasis are kept as Markdown. \
            Metadata (title, author, date, description, language, canonical URL, site name) comes from \
            <meta> tags, OpenGraph and JSON-LD.

            The charset is taken from --charset, else a byte-order mark, else <meta charset> or \
            http-equiv, else UTF-8 when the bytes are valid UTF-8, else Windows-1252. Broken markup is \
            repaired as browsers do.

            --base-url gives the page's address so relative links and images resolve: \
            `curl -s URL | chatbot scrape - --base-url URL`.

            --format json prints one object per page, --format ndjson one line per page, with the \
            keys url, final_url, status (null for local input), title, metadata (title, author, \
            date, description, language, canonical_url, site_name, image), content (Markdown), text \
            (plain text), links (url, text, nofollow), charset and source.

            Arguments starting with http:// or https:// are fetched: redirects followed by hand (at \
            most 5, each hop checked again), gzip, deflate and br decoded up to --max-bytes, a \
            --timeout for the whole fetch, robots.txt obeyed (RFC 9309, Crawl-delay included), and a \
            User-Agent naming chatbot and its version. Loopback, private, link-local, carrier-grade NAT, \
            multicast and cloud-metadata addresses are refused (also when spelled oddly, such as \
            2130706433, or hidden in IPv6), and each connection goes to the address that was checked, \
            so DNS rebinding cannot reach them; --allow-private lifts this for your own intranet.

            With --depth N the links of each page are followed N levels deep, within --scope \
            (same-host, same-prefix, or a pattern), --include and --exclude (globs such as \
            '/docs/*', or re:REGEX), up to --max-pages; --sitemap seeds the crawl from a sitemap or \
            sitemap index (gzipped too). Each URL is fetched once (normalised, canonical links \
            respected), at most --per-host at a time per host and --delay seconds apart.

            --ingest stores the pages in a collection (--collection, default `default`) instead of \
            printing them, as `chatbot ingest` does: each page by its URL, chunked by its headings, \
            indexed and embedded. A later run sends each page's ETag and Last-Modified back, so a page \
            that did not change costs a 304 and is left as it is (its stored links keep the crawl \
            going), and only changed pages are extracted and replaced. It prints the ingest report \
            (--json for JSON). Pages are ingested several at a time, under the collection's lock. With \
            --prune, pages stored under the URLs given (their folder) that the crawl no longer reaches \
            are removed; nothing is pruned after a crawl in which a page failed. \
            `chatbot scrape --format ndjson … | chatbot ingest -` does the same in two steps.

            EXIT STATUS: 0 every page extracted; 1 the only page failed; 2 some pages failed (the others \
            are printed); 64 usage error.
            """
    )

    /// Output formats.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case markdown, text, json, ndjson
    }

    /// The largest page read, in bytes.
    static let maximumPageBytes = 64 * 1_048_576

    @Argument(help: ArgumentHelp("HTML files to read; `-` reads stdin.", valueName: "file"))
    var inputs: [String]

    @Option(help: ArgumentHelp("The page's URL, for resolving relative links.", valueName: "url"))
    var baseURL: String?

    @Option(help: ArgumentHelp("Output format: markdown, text, json or ndjson.", valueName: "format"))
    var format: Format = .markdown

    @Option(help: ArgumentHelp("Decode the input with this charset instead of detecting it.", valueName: "name"))
    var charset: String?

    @Flag(name: .shortAndLong, help: "Print nothing but results and errors.")
    var quiet = false

    @Flag(help: "Store the pages in a collection (see --collection) instead of printing them.")
    var ingest = false

    @Option(
        name: [.customShort("C"), .long],
        help: ArgumentHelp("With --ingest: the collection.", valueName: "name"))
    var collection: String = "default"

    @Flag(help: "With --ingest: print the report as JSON.")
    var json = false

    @Flag(help: "With --ingest: remove pages under the URLs given that the crawl no longer reaches.")
    var prune = false

    @OptionGroup(title: "Storage (with --ingest)")
    var storage: ScrapeStorageOptions

    @OptionGroup(title: "Fetching and crawling URLs")
    var web: ScrapeWebOptions

    func validate() throws {
        if inputs.filter({ $0 == "-" }).count > 1 { throw ValidationError("stdin (`-`) can be read only once") }
        if let baseURL {
            guard let url = URL(string: baseURL), let scheme = url.scheme?.lowercased(), url.host != nil,
                ["http", "https"].contains(scheme)
            else { throw ValidationError("--base-url must be an absolute http(s) URL, got '\(baseURL)'") }
        }
    }

    func run() async throws {
        if ingest { return try await ingestPages() }
        let extractor = HTMLExtractor()
        let base = baseURL.flatMap(URL.init(string:))
        var failures: [ChatbotError] = []
        var printed = 0
        for input in inputs where !Self.isRemote(input) {
            do {
                let data = try Self.read(input)
                let source = input == "-" ? "stdin" : input
                let page = try extractor.extract(data: data, baseURL: base, charset: charset, source: source)
                try emit(page, input: input, separator: printed > 0)
                printed += 1
            } catch let error as ChatbotError {
                if !quiet && inputs.count > 1 { StandardError.write("chatbot: \(error.message)\n") }
                failures.append(error)
            }
        }
        let remote = inputs.filter(Self.isRemote)
        if !remote.isEmpty { try await scrapeRemote(remote, printed: &printed, failures: &failures) }
        guard !failures.isEmpty else { return }
        if printed == 0 {
            // Nothing printed: the one failure is the error (its own exit status), or all failed.
            if failures.count == 1 { throw failures[0] }
            throw ChatbotError(.runtime, "none of the \(failures.count) pages could be extracted")
        }
        throw ChatbotError(
            .partial, "\(failures.count) of \(failures.count + printed) pages could not be extracted",
            hint: failures.count == 1 ? failures[0].hint : nil, reason: failures.count == 1 ? failures[0].reason : nil)
    }

    func emit(_ page: ExtractedPage, input: String, separator: Bool, remote: RemoteSource? = nil) throws {
        switch format {
        case .markdown, .text:
            var body = format == .markdown ? page.markdown : page.text
            if let title = page.title {
                body = (format == .markdown ? "# " + title : title) + (body.isEmpty ? "" : "\n\n" + body)
            }
            StandardOutput.write((separator ? "\n" : "") + body + "\n")
        case .json, .ndjson:
            let local = baseURL ?? (input == "-" ? nil : URL(fileURLWithPath: input).standardizedFileURL.absoluteString)
            let record = PageRecord(
                page: page, source: input, url: remote?.url ?? local, finalURL: remote?.finalURL ?? local,
                status: remote?.status)
            if format == .ndjson {
                StandardOutput.write(record.jsonLine() + "\n")
            } else {
                try JSONOutput.print(record, pretty: true)
            }
        }
    }

    static func isRemote(_ input: String) -> Bool {
        let lower = input.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://")
    }

    /// Reads a file or stdin, refusing directories, oversized files and binary data.
    static func read(_ input: String) throws -> Data {
        let data: Data
        if input == "-" {
            data = try StandardInput.read(limit: maximumPageBytes + 1)
        } else {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
                throw ChatbotError(.runtime, "\(input): no such file")
            }
            if isDirectory.boolValue { throw ChatbotError(.usage, "\(input): is a directory; give HTML files") }
            guard let handle = FileHandle(forReadingAtPath: input) else {
                throw ChatbotError(.runtime, "\(input): cannot be read (permission denied?)")
            }
            defer { try? handle.close() }
            data = (try? handle.read(upToCount: maximumPageBytes + 1)) ?? Data()
        }
        let name = input == "-" ? "stdin" : input
        if data.count > maximumPageBytes {
            throw ChatbotError(.runtime, "\(name): larger than \(maximumPageBytes / 1_048_576) MiB; not read as a page")
        }
        if looksBinary(data) {
            throw ChatbotError(.runtime, "\(name): does not look like HTML (binary data)", hint: "give an HTML file")
        }
        return data
    }

    /// NUL bytes early in the data, without a UTF-16 byte-order mark, mean binary input.
    static func looksBinary(_ data: Data) -> Bool {
        let head = data.prefix(4096)
        if head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) { return false }
        return head.withUnsafeBytes { $0.contains(0) }
    }
}
