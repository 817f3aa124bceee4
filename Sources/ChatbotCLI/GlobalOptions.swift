import ArgumentParser

/// Options every subcommand accepts.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Read configuration from this YAML file.", valueName: "path"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Keep the database and objects in this directory.", valueName: "dir"))
    var dataDir: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Use this PostgreSQL database instead of the embedded SQLite store (postgres://user@host:port/db?sslmode=...).",
            valueName: "url"))
    var databaseURL: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Keep objects in this S3-compatible bucket instead of the data directory (s3://bucket/prefix?endpoint=...&region=...).",
            valueName: "url"))
    var objectStore: String?

    @Flag(name: .shortAndLong, help: "Log what chatbot is doing to stderr.")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Print nothing but results and errors.")
    var quiet = false
}
