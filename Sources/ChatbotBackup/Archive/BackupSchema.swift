import ChatbotCore

/// The tables a backup dumps, per schema version: names, columns and their portable types, and the
/// key rows are paged and ordered by. The one place that knows the schema's shape; a new migration
/// that adds or changes a table adds an entry here (a test checks every known version has one).
///
/// Not dumped: `schema_migrations` (restore migrates the target itself), the FTS5 tables
/// `messages_fts` and `chunks_fts` (indexes the insert triggers rebuild), `rate_limits` (the
/// limiter's seconds-lived state) and `active_streams` (the streams being answered now).
public struct BackupSchema: Sendable, Hashable {
    /// The portable type of a column.
    public enum ColumnType: String, Sendable, Hashable {
        /// 64-bit integer.
        case int64
        /// 64-bit floating point.
        case double
        /// UTF-8 text.
        case text
        /// Boolean (`INTEGER` 0/1 on SQLite, `BOOLEAN` on PostgreSQL).
        case bool
        /// An embedding vector of 32-bit floats (float32 `BLOB` on SQLite, `REAL[]` on
        /// PostgreSQL), a JSON array of numbers in the archive.
        case vector
    }

    /// One column.
    public struct Column: Sendable, Hashable {
        /// The column name.
        public var name: String
        /// Its portable type.
        public var type: ColumnType
        /// Whether it may be NULL.
        public var nullable: Bool
    }

    /// One table.
    public struct Table: Sendable, Hashable {
        /// The table name.
        public var name: String
        /// Its columns, in file order.
        public var columns: [Column]
        /// The unique column rows are ordered and paged by.
        public var key: String
        /// Whether ``key`` is an integer sequence the database generates (reset after a restore).
        public var keyIsSequence: Bool
    }

    /// The schema version described.
    public var version: Int
    /// The tables in dependency order (parents first): restore inserts in this order.
    public var tables: [Table]

    /// The description of schema `version`.
    ///
    /// - Throws: ``ChatbotError`` (`.conflict`) for a version this binary cannot back up or restore.
    public static func forVersion(_ version: Int) throws -> BackupSchema {
        guard let schema = known.first(where: { $0.version == version }) else {
            throw ChatbotError(
                .conflict,
                "this chatbot cannot back up or restore schema version \(version)",
                hint: "use the chatbot version that wrote the database or the backup"
            )
        }
        return schema
    }

    /// Every schema version this binary can dump and restore.
    public static let known: [BackupSchema] = [
        version1, version2, version3, version4, version5, version6, version7, version8, version9,
        version10,
    ]

    private static func column(_ name: String, _ type: ColumnType, nullable: Bool = false) -> Column {
        Column(name: name, type: type, nullable: nullable)
    }

    static let version1 = BackupSchema(
        version: 1,
        tables: [
            Table(
                name: "conversations",
                columns: [
                    column("id", .text), column("title", .text), column("created_at", .int64),
                    column("updated_at", .int64),
                ],
                key: "id",
                keyIsSequence: false
            ),
            Table(
                name: "messages",
                columns: [
                    column("seq", .int64), column("id", .text), column("conversation_id", .text),
                    column("role", .text), column("content", .text), column("model", .text, nullable: true),
                    column("provider", .text, nullable: true), column("prompt_tokens", .int64, nullable: true),
                    column("completion_tokens", .int64, nullable: true), column("cost", .double, nullable: true),
                    column("latency_ms", .int64, nullable: true), column("status", .text),
                    column("error", .text, nullable: true), column("cached", .bool), column("created_at", .int64),
                ],
                key: "seq",
                keyIsSequence: true
            ),
            Table(
                name: "response_cache",
                columns: [
                    column("key", .text), column("provider", .text), column("model", .text), column("content", .text),
                    column("prompt_tokens", .int64, nullable: true),
                    column("completion_tokens", .int64, nullable: true),
                    column("created_at", .int64),
                ],
                key: "key",
                keyIsSequence: false
            ),
        ]
    )

    /// Version 2: version 1 plus embedding vectors.
    static let version2 = BackupSchema(
        version: 2,
        tables: version1.tables + [
            Table(
                name: "embeddings",
                columns: [
                    column("seq", .int64), column("collection", .text), column("item_id", .text),
                    column("model", .text), column("dimensions", .int64), column("vector", .vector),
                    column("created_at", .int64),
                ],
                key: "seq",
                keyIsSequence: true
            )
        ]
    )

    /// Version 3: version 2 plus document collections (collections, documents, chunks).
    static let version3 = BackupSchema(
        version: 3,
        tables: version2.tables + [
            Table(
                name: "collections",
                columns: [column("name", .text), column("created_at", .int64), column("updated_at", .int64)],
                key: "name",
                keyIsSequence: false
            ),
            Table(
                name: "documents",
                columns: [
                    column("id", .text), column("collection", .text), column("source", .text),
                    column("content_hash", .text), column("media_type", .text), column("size", .int64),
                    column("title", .text, nullable: true), column("metadata", .text), column("created_at", .int64),
                    column("updated_at", .int64),
                ],
                key: "id",
                keyIsSequence: false
            ),
            Table(
                name: "chunks",
                columns: [
                    column("seq", .int64), column("id", .text), column("document_id", .text), column("ordinal", .int64),
                    column("text", .text), column("location", .text),
                ],
                key: "seq",
                keyIsSequence: true
            ),
        ]
    )

    /// Version 4: version 3 with an owner on conversations, collections and documents, plus the
    /// accounts tables (users first: refresh tokens and API keys refer to them).
    static let version4 = BackupSchema(
        version: 4,
        tables: version3.tables.map { table in
            guard ["conversations", "collections", "documents"].contains(table.name) else { return table }
            var owned = table
            owned.columns.append(column("owner_id", .text))
            return owned
        } + [
            Table(
                name: "users",
                columns: [
                    column("id", .text), column("name", .text), column("email", .text, nullable: true),
                    column("password_hash", .text, nullable: true), column("role", .text), column("disabled", .bool),
                    column("created_at", .int64), column("token_version", .int64),
                ],
                key: "id",
                keyIsSequence: false
            ),
            Table(
                name: "refresh_tokens",
                columns: [
                    column("token_hash", .text), column("family_id", .text), column("user_id", .text),
                    column("expires_at", .int64), column("created_at", .int64),
                    column("rotated_at", .int64, nullable: true), column("revoked_at", .int64, nullable: true),
                ],
                key: "token_hash",
                keyIsSequence: false
            ),
            Table(
                name: "api_keys",
                columns: [
                    column("id", .text), column("secret_hash", .text), column("user_id", .text), column("name", .text),
                    column("scopes", .text), column("created_at", .int64), column("expires_at", .int64, nullable: true),
                    column("revoked_at", .int64, nullable: true), column("last_used_at", .int64, nullable: true),
                    column("rpm_limit", .int64, nullable: true), column("tpm_limit", .int64, nullable: true),
                    column("budget_cost", .double, nullable: true), column("budget_tokens", .int64, nullable: true),
                    column("budget_period", .text, nullable: true),
                ],
                key: "id",
                keyIsSequence: false
            ),
            Table(
                name: "signing_keys",
                columns: [
                    column("kid", .text), column("algorithm", .text), column("private_key", .text),
                    column("public_key", .text), column("created_at", .int64),
                    column("retired_at", .int64, nullable: true),
                ],
                key: "kid",
                keyIsSequence: false
            ),
            Table(
                name: "audit_log",
                columns: [
                    column("id", .int64), column("at", .int64), column("actor_id", .text, nullable: true),
                    column("actor_name", .text, nullable: true), column("action", .text),
                    column("target", .text, nullable: true), column("detail", .text),
                    column("ip", .text, nullable: true),
                ],
                key: "id",
                keyIsSequence: true
            ),
        ]
    )

    /// Version 5: version 4 with the heartbeat of answers being streamed.
    static let version5 = BackupSchema(
        version: 5,
        tables: version4.tables.map { table in
            guard table.name == "messages" else { return table }
            var beating = table
            beating.columns.append(column("heartbeat_at", .int64, nullable: true))
            return beating
        }
    )

    /// Version 6: version 5 with the visibility of collections.
    static let version6 = BackupSchema(
        version: 6,
        tables: version5.tables.map { table in
            guard table.name == "collections" else { return table }
            var visible = table
            visible.columns.append(column("visibility", .text))
            return visible
        }
    )

    /// Version 7: version 6 with the usage of answers that leave no message (`/v1`).
    static let version7 = BackupSchema(
        version: 7,
        tables: version6.tables + [
            Table(
                name: "usage_records",
                columns: [
                    column("id", .int64), column("at", .int64), column("user_id", .text, nullable: true),
                    column("api_key_id", .text, nullable: true), column("source", .text),
                    column("provider", .text), column("model", .text), column("prompt_tokens", .int64),
                    column("completion_tokens", .int64), column("cost", .double, nullable: true),
                    column("status", .text),
                ],
                key: "id",
                keyIsSequence: true
            )
        ]
    )

    /// Version 8: version 7; its new table, `rate_limits`, is seconds-lived limiter state that a
    /// restore has no use for.
    static let version8 = BackupSchema(version: 8, tables: version7.tables)

    /// Version 9: version 8 with users' own limits and budgets and the key an answer was asked
    /// with; its new table, `active_streams`, is seconds-lived like `rate_limits`.
    static let version9 = BackupSchema(
        version: 9,
        tables: version8.tables.map { table in
            var changed = table
            switch table.name {
            case "users":
                changed.columns += [
                    column("rpm_limit", .int64, nullable: true), column("stream_limit", .int64, nullable: true),
                    column("budget_cost", .double, nullable: true), column("budget_tokens", .int64, nullable: true),
                    column("budget_period", .text, nullable: true),
                ]
            case "messages":
                changed.columns.append(column("api_key_id", .text, nullable: true))
            default:
                break
            }
            return changed
        }
    )

    /// Version 10: version 9 with the job queue; a restored running job's lease has expired, so a
    /// worker picks it up again.
    static let version10 = BackupSchema(
        version: 10,
        tables: version9.tables + [
            Table(
                name: "jobs",
                columns: [
                    column("id", .text), column("kind", .text), column("payload", .text), column("owner_id", .text),
                    column("status", .text), column("attempts", .int64), column("max_attempts", .int64),
                    column("run_at", .int64), column("lease_holder", .text, nullable: true),
                    column("lease_expires_at", .int64, nullable: true), column("cancel_requested", .int64),
                    column("progress", .text, nullable: true), column("result", .text, nullable: true),
                    column("error", .text, nullable: true), column("idempotency_key", .text, nullable: true),
                    column("created_at", .int64), column("updated_at", .int64),
                    column("finished_at", .int64, nullable: true),
                ],
                key: "id",
                keyIsSequence: false
            )
        ]
    )
}
