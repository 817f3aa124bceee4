// swift-tools-version: 6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

// The programs we ship link the Swift runtime and Foundation statically, so they run where no Swift
// toolchain is installed (Scripts/package, Scripts/check-package), and export no symbols: the static
// runtime's `-export-dynamic` put 65,000 of ours in the dynamic symbol table, which `dladdr` scans
// at every start. They link with the toolchain's lld rather than gold, for `-z pack-relative-relocs`:
// the binary stays position-independent (ASLR), but its 170,000 relative relocations (4 MB that the
// loader read and applied at every start) become a 33 KB RELR table that glibc 2.36 applies in one
// pass. Link flags only: the modules compile the same either way. Linux only.
let shippedProgramLinking: [LinkerSetting] = [
    .unsafeFlags(
        [
            "-static-stdlib", "-use-ld=lld", "-Xlinker", "--no-export-dynamic",
            "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
            // What static Foundation's modules would have added had the code been compiled for it
            // (SwiftPM's --static-swift-stdlib recompiles everything just for these).
            "-lCoreFoundation", "-l_CFXMLInterface", "-l_FoundationCShims", "-l_FoundationCollections",
            "-l_FoundationICU", "-lxml2",
        ], .when(platforms: [.linux]))
]

let package = Package(
    name: "chatbot",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "chatbot", targets: ["chatbot"]),
        .executable(name: "chatbot-extract-score", targets: ["ChatbotExtractScore"]),
        .executable(name: "chatbot-pdf-worker", targets: ["ChatbotPDFWorker"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0", traits: ["YAML"]),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.2"),
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.7.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
    ],
    targets: [
        // The thin executable: parses nothing itself, hands over to ChatbotCLI.
        .executableTarget(
            name: "chatbot",
            dependencies: ["ChatbotCLI", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings,
            linkerSettings: shippedProgramLinking
        ),
        // One file per subcommand; builds the shared services once and maps errors to exit codes.
        .target(
            name: "ChatbotCLI",
            dependencies: [
                "ChatbotCore", "ChatbotProviders", "ChatbotStorage", "ChatbotLocalStack", "ChatbotChat",
                "ChatbotBackup", "ChatbotBackupS3", "ChatbotS3", "ChatbotHTML", "ChatbotWeb", "ChatbotMedia",
                "ChatbotSpeech", "ChatbotDocuments", "ChatbotRetrieval", "ChatbotServices", "ChatbotAccounts",
                "ChatbotServer", "ChatbotJobs",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP API: Hummingbird routes by feature over the composition root and the accounts.
        .target(
            name: "ChatbotServer",
            dependencies: [
                "ChatbotCore", "ChatbotProviders", "ChatbotStorage", "ChatbotChat", "ChatbotServices",
                "ChatbotAccounts", "ChatbotRetrieval", "ChatbotSpeech", "ChatbotJobs", "ChatbotDocuments",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [
                .embedInCode("Resources/openapi.json"), .embedInCode("Resources/web/index.html"),
                .embedInCode("Resources/web/app.js"), .embedInCode("Resources/web/markdown.js"),
                .embedInCode("Resources/web/app.css"),
            ],
            swiftSettings: swiftSettings
        ),
        // The durable job queue over the database, the worker pool and the job handlers (ingest an
        // upload, a URL or local paths; transcribe), shared by `chatbot worker` and `chatbot serve`.
        .target(
            name: "ChatbotJobs",
            dependencies: [
                "ChatbotCore", "ChatbotStorage", "ChatbotServices", "ChatbotRetrieval", "ChatbotDocuments",
                "ChatbotWeb",
                "ChatbotSpeech",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The composition root shared by the CLI, the tests and the server: builds the stores, one
        // HTTP client, the chat stack, the embedder, the speech service and the retriever from the
        // settings, owns their shutdown, and turns any library's error into a ChatbotError.
        .target(
            name: "ChatbotServices",
            dependencies: [
                "ChatbotCore", "ChatbotProviders", "ChatbotStorage", "ChatbotLocalStack", "ChatbotChat",
                "ChatbotS3", "ChatbotBackup", "ChatbotWeb", "ChatbotMedia", "ChatbotSpeech", "ChatbotDocuments",
                "ChatbotRetrieval",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Users, password hashing, access and refresh tokens, API keys, roles and scopes, the audit
        // log: no HTTP types, so the CLI and the server share it.
        .target(
            name: "ChatbotAccounts",
            dependencies: [
                "ChatbotCore", "ChatbotStorage",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Domain types, protocols, configuration and errors. No network or database I/O.
        .target(
            name: "ChatbotCore",
            dependencies: [
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Chat (and later embedding / transcription) clients over HTTP: OpenAI-compatible protocol,
        // retries, fallback chain.
        .target(
            name: "ChatbotProviders",
            dependencies: [
                "ChatbotCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Database (embedded SQLite, production PostgreSQL) behind SQLKit, the object store, migrations.
        .target(
            name: "ChatbotStorage",
            dependencies: [
                "ChatbotCore",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Conversations: one ask = history + provider fallback + accounting + cache, shared by CLI and server.
        .target(
            name: "ChatbotChat",
            dependencies: [
                "ChatbotCore", "ChatbotProviders", "ChatbotRetrieval",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // S3-compatible object store (AWS S3, MinIO, Ceph, R2) over async-http-client: SigV4 signing,
        // multipart uploads, retries; no AWS SDK.
        .target(
            name: "ChatbotS3",
            dependencies: [
                "ChatbotCore", "CZlibCRC",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // zlib (zlib1g-dev), for ChatbotS3's CRC-32 part checksums.
        .systemLibrary(name: "CZlibCRC", providers: [.apt(["zlib1g-dev"])]),
        // `chatbot-s3-bench upload|download`: one S3Client transfer, timed; used by Scripts/bench/s3-transfer.
        .executableTarget(
            name: "ChatbotS3Bench",
            dependencies: ["ChatbotS3", .product(name: "Logging", package: "swift-log")],
            path: "Sources/chatbot-s3-bench",
            swiftSettings: swiftSettings
        ),
        // zstd (libzstd-dev) for backups; wrapped by ChatbotBackup, never exposed.
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),
        // libpq, only for the backup's `COPY … TO STDOUT` dump path: loaded with dlopen on first use
        // (libpq.so.5, Debian's libpq5), not linked, so no command pays for its libraries at start-up.
        .target(name: "CLibPQ"),
        // `chatbot backup`: portable, checksummed, zstd-compressed, optionally encrypted archives of
        // the database and the object store, restorable into any backend.
        .target(
            name: "ChatbotBackup",
            dependencies: [
                "ChatbotCore", "ChatbotStorage", "CZstd", "CLibPQ",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Backups under an S3 prefix (kept apart so ChatbotBackup does not pull in the HTTP stack).
        .target(
            name: "ChatbotBackupS3",
            dependencies: [
                "ChatbotBackup", "ChatbotCore", "ChatbotS3",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // libxml2 (libxml2-dev): pkg-config flags only; its headers are included by CXMLShim alone (DESIGN §6).
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // Plain, prefixed C functions over libxml2: recovering HTML parse, safe XML parse, node walk.
        .target(
            name: "CXMLShim",
            dependencies: ["CLibXML2"]
        ),
        // HTML parsing, charset detection, metadata and links, main-content extraction to Markdown/text,
        // and the article-extraction scorer. Light on purpose: no networking.
        .target(
            name: "ChatbotHTML",
            dependencies: ["ChatbotCore", "CXMLShim"],
            swiftSettings: swiftSettings
        ),
        // `chatbot-extract-score`: scores extracted texts against ground truth (Scripts/bench/extract-web).
        .executableTarget(
            name: "ChatbotExtractScore",
            dependencies: ["ChatbotHTML"],
            path: "Sources/chatbot-extract-score",
            swiftSettings: swiftSettings
        ),
        // Plain prefixed C functions over FFmpeg: custom I/O only, demuxer allow-list, caps, deadline.
        // FFmpeg's headers (Debian: libavformat-dev, libavcodec-dev, libswresample-dev,
        // libavutil-dev) are included by this target alone; its libraries are loaded with dlopen on
        // the first open, not linked, so no command pays for loading them (and their ~125
        // dependencies) at start-up.
        .target(name: "CFFmpegShim"),
        // Media probing, streaming decode to 16 kHz mono, subtitles, window planning, WAV encoding.
        .target(
            name: "ChatbotMedia",
            dependencies: ["ChatbotCore", "CFFmpegShim"],
            swiftSettings: swiftSettings
        ),
        // Speech to text: OpenAI-compatible and Hugging Face transcription clients, windowed
        // transcription with bounded parallelism and retries, transcript formats and cache.
        .target(
            name: "ChatbotSpeech",
            dependencies: [
                "ChatbotCore", "ChatbotMedia", "ChatbotProviders",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // `chatbot-media-bench decode FILE`: decodes to 16 kHz mono s16le on stdout; used by Scripts/bench/decode.
        .executableTarget(
            name: "ChatbotMediaBench",
            dependencies: ["ChatbotMedia"],
            path: "Sources/chatbot-media-bench",
            swiftSettings: swiftSettings
        ),
        // Starts, health-checks and stops the managed local model servers.
        // Document extraction (PDF via a child process, OOXML, ODF, EPUB, HTML, text, CSV, JSON) to
        // blocks with locations and Markdown/text renderings. Zip archives read under hard caps.
        .target(
            name: "ChatbotDocuments",
            dependencies: [
                "ChatbotCore", "ChatbotHTML",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: swiftSettings
        ),
        // poppler-glib (libpoppler-glib-dev): pkg-config flags only; the worker below includes its headers.
        .systemLibrary(
            name: "CPoppler",
            pkgConfig: "poppler-glib",
            providers: [.apt(["libpoppler-glib-dev"])]
        ),
        // chatbot-pdf-worker: a small C program that ChatbotDocuments spawns per PDF (rlimits, timeout),
        // printing JSON lines with the text of each page.
        .executableTarget(
            name: "ChatbotPDFWorker",
            dependencies: ["CPoppler"],
            linkerSettings: shippedProgramLinking
        ),
        .target(
            name: "ChatbotLocalStack",
            dependencies: [
                "ChatbotCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // gzip/deflate (zlib) and br (libbrotli) decoders behind plain C functions; used by ChatbotWeb only.
        .target(
            name: "CWebDecode",
            linkerSettings: [.linkedLibrary("z"), .linkedLibrary("brotlidec")]
        ),
        // Fetching and crawling: SSRF guard with pinned connections, manual redirects, decoding with
        // a size cap, conditional requests, robots.txt (RFC 9309), sitemaps, the polite crawler.
        .target(
            name: "ChatbotWeb",
            dependencies: [
                "ChatbotCore", "CWebDecode",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // In-process HTTP servers for tests: an OpenAI-compatible fake for faults a real peer cannot
        // produce on demand (429 + Retry-After, 500, slow first byte, reset mid-stream, bad SSE).
        .target(
            name: "ChatbotTestSupport",
            dependencies: [
                "ChatbotCore", "ChatbotStorage",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // Ingest (sources → extracted, chunked, stored, embedded), retrieval (hybrid search) and
        // citations; shared by the CLI and the server. Media transcription is injected, so FFmpeg
        // stays out of this target.
        .target(
            name: "ChatbotRetrieval",
            dependencies: [
                "ChatbotCore", "ChatbotStorage", "ChatbotDocuments", "ChatbotHTML", "ChatbotWeb",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChatbotRetrievalTests",
            dependencies: [
                "ChatbotRetrieval", "ChatbotCore", "ChatbotStorage", "ChatbotDocuments", "ChatbotProviders",
                "ChatbotTestSupport", "ChatbotPDFWorker",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChatbotDocumentsTests",
            dependencies: [
                "ChatbotDocuments", "ChatbotCore", "ChatbotPDFWorker",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChatbotHTMLTests",
            dependencies: ["ChatbotHTML", "ChatbotCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChatbotAccountsTests",
            dependencies: [
                "ChatbotAccounts", "ChatbotCore", "ChatbotStorage", "ChatbotTestSupport",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChatbotCoreTests",
            dependencies: ["ChatbotCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChatbotProvidersTests",
            dependencies: [
                "ChatbotCore", "ChatbotProviders", "ChatbotTestSupport", "ChatbotLocalStack",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChatbotStorageTests",
            dependencies: [
                "ChatbotStorage", "ChatbotCore", "ChatbotTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChatbotS3Tests",
            dependencies: [
                "ChatbotS3", "ChatbotCore", "ChatbotStorage",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChatbotBackupTests",
            dependencies: [
                "ChatbotBackup", "ChatbotBackupS3", "ChatbotS3", "ChatbotCore", "ChatbotStorage",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChatbotChatTests",
            dependencies: [
                "ChatbotChat", "ChatbotCore", "ChatbotStorage", "ChatbotProviders", "ChatbotTestSupport",
                "ChatbotServices",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // `chatbot-retrieval-bench`: vector and full-text searches in one process, timed;
        // used by Scripts/bench/retrieval.
        .executableTarget(
            name: "ChatbotRetrievalBench",
            dependencies: ["ChatbotStorage", .product(name: "Logging", package: "swift-log")],
            path: "Sources/chatbot-retrieval-bench",
            swiftSettings: swiftSettings
        ),
        // `chatbot-bench-upstream`: an OpenAI-compatible model server answering from memory, the
        // upstream of Scripts/bench/api-proxy.
        .executableTarget(
            name: "ChatbotBenchUpstream",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Sources/chatbot-bench-upstream",
            swiftSettings: swiftSettings
        ),
        // `chatbot-bench-floor`: the cost of the stack under chatbot (a static Swift start, one
        // AsyncHTTPClient POST, a bare Hummingbird relay), beside chatbot in Scripts/bench/startup
        // and Scripts/bench/api-proxy.
        .executableTarget(
            name: "ChatbotBenchFloor",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Sources/chatbot-bench-floor",
            swiftSettings: swiftSettings,
            linkerSettings: shippedProgramLinking
        ),
        // `chatbot-web-bench URL --depth N`: one crawl, timed; used by Scripts/bench/crawl.
        .executableTarget(
            name: "ChatbotWebBench",
            dependencies: ["ChatbotWeb"],
            path: "Sources/chatbot-web-bench",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChatbotWebTests",
            dependencies: [
                "ChatbotWeb", "ChatbotCore", "ChatbotTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChatbotMediaTests",
            dependencies: ["ChatbotMedia", "ChatbotCore", "ChatbotTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChatbotSpeechTests",
            dependencies: [
                "ChatbotSpeech", "ChatbotMedia", "ChatbotCore", "ChatbotProviders", "ChatbotTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChatbotCLITests",
            dependencies: [
                "ChatbotCLI", "ChatbotTestSupport", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChatbotJobsTests",
            dependencies: [
                "ChatbotJobs", "ChatbotStorage", "ChatbotCore", "ChatbotTestSupport",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChatbotServerTests",
            dependencies: [
                "ChatbotServer", "ChatbotServices", "ChatbotAccounts", "ChatbotCore", "ChatbotStorage",
                "ChatbotTestSupport", "ChatbotJobs",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Python"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChatbotServicesTests",
            dependencies: [
                "ChatbotServices", "ChatbotCore", "ChatbotTestSupport", "ChatbotProviders", "ChatbotS3",
                "ChatbotBackupS3", "ChatbotChat",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
