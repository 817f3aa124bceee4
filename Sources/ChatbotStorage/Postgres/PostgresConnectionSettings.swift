import ChatbotCore
public import Foundation

/// Where and how to reach a PostgreSQL server, parsed from a libpq-style connection URL
/// (`postgres://user:pass@host:port/db?sslmode=…`) with the standard `PG*` environment variables
/// (`PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`, `PGSSLMODE`) filling what the URL
/// leaves out.
///
/// A host that starts with `/` is a unix-socket directory, as in libpq: either percent-encoded in
/// the authority (`postgres://%2Fvar%2Frun%2Fpostgresql/db`) or given as a `host` query parameter
/// (`postgres:///db?host=/var/run/postgresql`). The socket file is `DIR/.s.PGSQL.PORT`.
public struct PostgresConnectionSettings: Sendable, Hashable, CustomStringConvertible {
    /// How TLS is used, with libpq's names.
    public enum SSLMode: String, Sendable, Hashable, CaseIterable {
        /// Never TLS.
        case disable
        /// TLS without certificate checks when the server offers it, plain otherwise (the default).
        case prefer
        /// TLS without certificate checks; fail when the server does not offer it.
        case require
        /// TLS with the certificate checked against the system's trusted roots, any host name.
        case verifyCA = "verify-ca"
        /// TLS with the certificate and the host name checked.
        case verifyFull = "verify-full"
    }

    /// A TCP host name or address, or a unix-socket directory (starting with `/`).
    public var host: String
    /// The TCP port, also the suffix of the socket file name.
    public var port: Int
    /// The role to log in as.
    public var username: String
    /// The password, if any. Never printed: ``description`` and ``redactedURL`` leave it out.
    public var password: String?
    /// The database name.
    public var database: String
    /// How TLS is used (ignored for unix sockets).
    public var sslMode: SSLMode

    /// Creates settings from parts.
    public init(
        host: String = "localhost",
        port: Int = 5432,
        username: String = "postgres",
        password: String? = nil,
        database: String? = nil,
        sslMode: SSLMode = .prefer
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database ?? username
        self.sslMode = sslMode
    }

    /// Whether ``host`` is a unix-socket directory.
    public var isUnixSocket: Bool { host.hasPrefix("/") }

    /// The socket file for a unix-socket host (`DIR/.s.PGSQL.PORT`).
    public var unixSocketPath: String? {
        guard isUnixSocket else { return nil }
        let directory = host.hasSuffix("/") ? String(host.dropLast()) : host
        return "\(directory)/.s.PGSQL.\(port)"
    }

    /// The URL without the password, for logs and `chatbot config show`.
    public var redactedURL: String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = username
        if password != nil { components.password = "<redacted>" }
        var query: [URLQueryItem] = []
        if isUnixSocket {
            query.append(URLQueryItem(name: "host", value: host))
            query.append(URLQueryItem(name: "port", value: String(port)))
        } else {
            components.host = host
            components.port = port
        }
        components.path = "/" + database
        query.append(URLQueryItem(name: "sslmode", value: sslMode.rawValue))
        components.queryItems = query
        return components.string ?? "postgres://\(username)@\(host):\(port)/\(database)"
    }

    /// ``redactedURL``.
    public var description: String { redactedURL }

    /// Parses a connection URL, filling missing parts from `environment` (`PG*` variables), then
    /// from libpq's defaults (host `localhost`, port 5432, user `postgres`, database = user,
    /// sslmode `prefer`).
    ///
    /// - Throws: ``ChatbotError`` (`.usage`) for a URL that is not `postgres://` or `postgresql://`,
    ///   a bad port, or an unknown `sslmode`.
    public init(url text: String, environment: [String: String] = [:]) throws {
        func usage(_ message: String) -> ChatbotError {
            ChatbotError(
                .usage, "invalid database URL: \(message)",
                hint: "use postgres://user:password@host:port/database?sslmode=disable|prefer|require|verify-full")
        }
        guard let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql"
        else {
            throw usage("expected a postgres:// URL")
        }
        func environmentValue(_ name: String) -> String? {
            guard let value = environment[name], !value.isEmpty else { return nil }
            return value
        }
        let queryItems = components.queryItems ?? []
        func queryValue(_ name: String) -> String? {
            guard let value = queryItems.last(where: { $0.name == name })?.value, !value.isEmpty else { return nil }
            return value
        }
        let authorityHost = components.percentEncodedHost.flatMap { $0.removingPercentEncoding }.flatMap {
            $0.isEmpty ? nil : $0
        }
        let host = queryValue("host") ?? authorityHost ?? environmentValue("PGHOST") ?? "localhost"

        let portText = queryValue("port") ?? components.port.map(String.init) ?? environmentValue("PGPORT")
        var port = 5432
        if let portText {
            guard let parsed = Int(portText), (1...65535).contains(parsed) else {
                throw usage("port '\(portText)' is not a number between 1 and 65535")
            }
            port = parsed
        }
        let user =
            queryValue("user") ?? components.percentEncodedUser.flatMap { $0.removingPercentEncoding }
            .flatMap { $0.isEmpty ? nil : $0 } ?? environmentValue("PGUSER") ?? "postgres"
        let password =
            queryValue("password") ?? components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
            ?? environmentValue("PGPASSWORD")
        let path = components.percentEncodedPath.removingPercentEncoding ?? components.path
        let pathDatabase = path.hasPrefix("/") ? String(path.dropFirst()) : path
        let database =
            queryValue("dbname") ?? (pathDatabase.isEmpty ? nil : pathDatabase) ?? environmentValue("PGDATABASE")
            ?? user
        let modeText = queryValue("sslmode") ?? environmentValue("PGSSLMODE") ?? SSLMode.prefer.rawValue
        guard let sslMode = SSLMode(rawValue: modeText.lowercased()) else {
            throw usage(
                "unknown sslmode '\(modeText)' (use \(SSLMode.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self.init(host: host, port: port, username: user, password: password, database: database, sslMode: sslMode)
    }
}
