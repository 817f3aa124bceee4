import ChatbotCore
import ChatbotStorage
import Testing

@Suite("PostgresConnectionSettings (URL parsing, no server)")
struct PostgresConnectionSettingsTests {
    @Test("a full URL gives every part, percent-decoded")
    func fullURL() throws {
        let settings = try PostgresConnectionSettings(
            url: "postgres://chat%40bot:p%3Ass%2Fw@db.example.com:6543/chatbot_prod?sslmode=verify-full")
        #expect(settings.host == "db.example.com")
        #expect(settings.port == 6543)
        #expect(settings.username == "chat@bot")
        #expect(settings.password == "p:ss/w")
        #expect(settings.database == "chatbot_prod")
        #expect(settings.sslMode == .verifyFull)
        #expect(!settings.isUnixSocket)
    }

    @Test("libpq's defaults fill what is missing; postgresql:// is accepted too")
    func defaults() throws {
        let settings = try PostgresConnectionSettings(url: "postgresql://")
        #expect(settings.host == "localhost")
        #expect(settings.port == 5432)
        #expect(settings.username == "postgres")
        #expect(settings.password == nil)
        #expect(settings.database == "postgres")
        #expect(settings.sslMode == .prefer)
    }

    @Test(
        "every sslmode is understood, case-insensitively",
        arguments: [
            ("disable", PostgresConnectionSettings.SSLMode.disable), ("prefer", .prefer), ("require", .require),
            ("verify-ca", .verifyCA), ("VERIFY-FULL", .verifyFull),
        ])
    func sslModes(text: String, mode: PostgresConnectionSettings.SSLMode) throws {
        #expect(try PostgresConnectionSettings(url: "postgres://h/db?sslmode=\(text)").sslMode == mode)
    }

    @Test(
        "bad URLs are usage errors",
        arguments: ["mysql://h/db", "not a url", "postgres://h:99999/db", "postgres://h/db?sslmode=maybe"])
    func invalid(url: String) {
        #expect {
            try PostgresConnectionSettings(url: url)
        } throws: { error in
            (error as? ChatbotError)?.kind == .usage
        }
    }

    @Test("a unix-socket directory as host query parameter or percent-encoded host")
    func unixSocket() throws {
        let query = try PostgresConnectionSettings(url: "postgres:///chatbot?host=/var/run/postgresql")
        #expect(query.isUnixSocket)
        #expect(query.host == "/var/run/postgresql")
        #expect(query.unixSocketPath == "/var/run/postgresql/.s.PGSQL.5432")
        #expect(query.database == "chatbot")
        let shown = query.redactedURL
        let reparsed = try PostgresConnectionSettings(url: shown)
        #expect(reparsed.host == "/var/run/postgresql")
        #expect(reparsed.port == 5432)
        #expect(reparsed.database == "chatbot")

        let encoded = try PostgresConnectionSettings(url: "postgres://bot@%2Ftmp%2Fpg:5433/chatbot")
        #expect(encoded.host == "/tmp/pg")
        #expect(encoded.unixSocketPath == "/tmp/pg/.s.PGSQL.5433")
        #expect(encoded.username == "bot")
    }

    @Test("PG* variables fill what the URL leaves out, and never override it")
    func environmentFallback() throws {
        let environment = [
            "PGHOST": "pg.internal", "PGPORT": "6000", "PGUSER": "envuser", "PGPASSWORD": "envsecret",
            "PGDATABASE": "envdb", "PGSSLMODE": "require",
        ]
        let filled = try PostgresConnectionSettings(url: "postgres://", environment: environment)
        #expect(filled.host == "pg.internal")
        #expect(filled.port == 6000)
        #expect(filled.username == "envuser")
        #expect(filled.password == "envsecret")
        #expect(filled.database == "envdb")
        #expect(filled.sslMode == .require)

        let explicit = try PostgresConnectionSettings(
            url: "postgres://u:pw@h:7000/d?sslmode=disable", environment: environment)
        #expect(explicit.host == "h")
        #expect(explicit.port == 7000)
        #expect(explicit.username == "u")
        #expect(explicit.password == "pw")
        #expect(explicit.database == "d")
        #expect(explicit.sslMode == .disable)

        let socket = try PostgresConnectionSettings(url: "postgres:///d", environment: ["PGHOST": "/run/pg"])
        #expect(socket.unixSocketPath == "/run/pg/.s.PGSQL.5432")
    }

    @Test("the password is never printed")
    func redaction() throws {
        let settings = try PostgresConnectionSettings(
            url: "postgres://bot:s3cr3t-value@db:5432/chatbot?sslmode=require")
        for text in [settings.redactedURL, settings.description, String(describing: settings)] {
            #expect(!text.contains("s3cr3t-value"))
        }
        #expect(settings.redactedURL.contains("<redacted>") || settings.redactedURL.contains("%3Credacted%3E"))
        #expect(settings.redactedURL.contains("db:5432/chatbot"))
        let withoutPassword = try PostgresConnectionSettings(url: "postgres://bot@db/chatbot")
        #expect(!withoutPassword.redactedURL.contains("redacted"))
    }
}
