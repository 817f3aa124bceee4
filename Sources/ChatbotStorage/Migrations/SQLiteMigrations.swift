/// The SQLite schema, embedded in the binary. Never edit a released migration: add a new one.
///
/// Times are `INTEGER` milliseconds since 1970 (`BIGINT` on PostgreSQL), booleans are
/// `INTEGER` 0/1 (`BOOLEAN` on PostgreSQL); the repository binds Swift values, which each driver
/// maps to these.
enum SQLiteMigrations {
    /// Every migration, oldest first.
    static let all: [Migration] = [
        v1Initial, v2Embeddings, v3Documents, v4Accounts, v5AnswerHeartbeat, v6CollectionVisibility,
        v7UsageRecords, v8RateLimits, v9UserLimits, v10Jobs,
    ]

    /// Conversations, messages (with FTS5 full-text index), response cache.
    static let v1Initial = Migration(
        version: 1,
        name: "initial_schema",
        up: [
            """
            CREATE TABLE conversations (
                id TEXT NOT NULL PRIMARY KEY,
                title TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            )
            """,
            "CREATE INDEX conversations_updated_at_idx ON conversations (updated_at)",
            // `seq` is the rowid alias: insertion order for messages with equal timestamps, and the
            // stable rowid the external-content FTS table refers to (VACUUM keeps aliased rowids).
            """
            CREATE TABLE messages (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
                role TEXT NOT NULL,
                content TEXT NOT NULL,
                model TEXT,
                provider TEXT,
                prompt_tokens INTEGER,
                completion_tokens INTEGER,
                cost REAL,
                latency_ms INTEGER,
                status TEXT NOT NULL,
                error TEXT,
                cached INTEGER NOT NULL DEFAULT 0,
                created_at INTEGER NOT NULL
            )
            """,
            "CREATE INDEX messages_conversation_idx ON messages (conversation_id, created_at, seq)",
            "CREATE INDEX messages_created_at_idx ON messages (created_at)",
            """
            CREATE VIRTUAL TABLE messages_fts USING fts5(
                content,
                content = 'messages',
                content_rowid = 'seq',
                tokenize = 'porter unicode61 remove_diacritics 2'
            )
            """,
            """
            CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
                INSERT INTO messages_fts (rowid, content) VALUES (new.seq, new.content);
            END
            """,
            """
            CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
                INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.seq, old.content);
            END
            """,
            """
            CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
                INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.seq, old.content);
                INSERT INTO messages_fts (rowid, content) VALUES (new.seq, new.content);
            END
            """,
            """
            CREATE TABLE response_cache (
                key TEXT NOT NULL PRIMARY KEY,
                provider TEXT NOT NULL,
                model TEXT NOT NULL,
                content TEXT NOT NULL,
                prompt_tokens INTEGER,
                completion_tokens INTEGER,
                created_at INTEGER NOT NULL
            )
            """,
        ],
        down: [
            "DROP TABLE response_cache",
            "DROP TRIGGER messages_fts_update",
            "DROP TRIGGER messages_fts_delete",
            "DROP TRIGGER messages_fts_insert",
            "DROP TABLE messages_fts",
            "DROP INDEX messages_created_at_idx",
            "DROP INDEX messages_conversation_idx",
            "DROP TABLE messages",
            "DROP INDEX conversations_updated_at_idx",
            "DROP TABLE conversations",
        ]
    )

    /// Embedding vectors (little-endian float32 in a BLOB), searched by an exact cosine scan.
    static let v2Embeddings = Migration(
        version: 2,
        name: "embeddings",
        up: [
            """
            CREATE TABLE embeddings (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                collection TEXT NOT NULL,
                item_id TEXT NOT NULL,
                model TEXT NOT NULL,
                dimensions INTEGER NOT NULL CHECK (dimensions > 0 AND length(vector) = 4 * dimensions),
                vector BLOB NOT NULL,
                created_at INTEGER NOT NULL,
                UNIQUE (collection, model, item_id)
            )
            """
        ],
        down: ["DROP TABLE embeddings"]
    )

    /// Document collections for retrieval: collections, documents (one per source in a
    /// collection), chunks with an FTS5 index kept in sync by triggers.
    static let v3Documents = Migration(
        version: 3,
        name: "documents",
        up: [
            """
            CREATE TABLE collections (
                name TEXT NOT NULL PRIMARY KEY,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            )
            """,
            """
            CREATE TABLE documents (
                id TEXT NOT NULL PRIMARY KEY,
                collection TEXT NOT NULL REFERENCES collections (name) ON DELETE CASCADE,
                source TEXT NOT NULL,
                content_hash TEXT NOT NULL,
                media_type TEXT NOT NULL,
                size INTEGER NOT NULL,
                title TEXT,
                metadata TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                UNIQUE (collection, source)
            )
            """,
            "CREATE INDEX documents_content_hash_idx ON documents (content_hash)",
            """
            CREATE TABLE chunks (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
                ordinal INTEGER NOT NULL,
                text TEXT NOT NULL,
                location TEXT NOT NULL
            )
            """,
            "CREATE INDEX chunks_document_idx ON chunks (document_id, ordinal)",
            """
            CREATE VIRTUAL TABLE chunks_fts USING fts5(
                text,
                content = 'chunks',
                content_rowid = 'seq',
                tokenize = 'porter unicode61 remove_diacritics 2'
            )
            """,
            """
            CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
                INSERT INTO chunks_fts (rowid, text) VALUES (new.seq, new.text);
            END
            """,
            """
            CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
                INSERT INTO chunks_fts (chunks_fts, rowid, text) VALUES ('delete', old.seq, old.text);
            END
            """,
            """
            CREATE TRIGGER chunks_fts_update AFTER UPDATE OF text ON chunks BEGIN
                INSERT INTO chunks_fts (chunks_fts, rowid, text) VALUES ('delete', old.seq, old.text);
                INSERT INTO chunks_fts (rowid, text) VALUES (new.seq, new.text);
            END
            """,
        ],
        down: [
            "DROP TRIGGER chunks_fts_update",
            "DROP TRIGGER chunks_fts_delete",
            "DROP TRIGGER chunks_fts_insert",
            "DROP TABLE chunks_fts",
            "DROP INDEX chunks_document_idx",
            "DROP TABLE chunks",
            "DROP INDEX documents_content_hash_idx",
            "DROP TABLE documents",
            "DROP TABLE collections",
        ]
    )

    /// Accounts: users, refresh tokens, API keys, signing keys and the audit log, and an owner on
    /// conversations, collections and documents. Existing and new rows without an owner belong to
    /// the CLI's user `local`, whose id `00000000-0000-0000-0000-000000000000` is the column
    /// default. ChatbotAccounts creates that user row on first use rather than this migration, so
    /// that a restore into a freshly migrated database finds it empty and the backup's own `users`
    /// rows load without a clash.
    static let v4Accounts = Migration(
        version: 4,
        name: "accounts",
        up: [
            """
            CREATE TABLE users (
                id TEXT NOT NULL PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                email TEXT,
                password_hash TEXT,
                role TEXT NOT NULL CHECK (role IN ('admin', 'member', 'viewer')),
                disabled INTEGER NOT NULL DEFAULT 0,
                created_at INTEGER NOT NULL,
                token_version INTEGER NOT NULL DEFAULT 0
            )
            """,
            """
            CREATE TABLE refresh_tokens (
                token_hash TEXT NOT NULL PRIMARY KEY,
                family_id TEXT NOT NULL,
                user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                expires_at INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                rotated_at INTEGER,
                revoked_at INTEGER
            )
            """,
            "CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id)",
            "CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id)",
            """
            CREATE TABLE api_keys (
                id TEXT NOT NULL PRIMARY KEY,
                secret_hash TEXT NOT NULL,
                user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                scopes TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                expires_at INTEGER,
                revoked_at INTEGER,
                last_used_at INTEGER,
                rpm_limit INTEGER,
                tpm_limit INTEGER,
                budget_cost REAL,
                budget_tokens INTEGER,
                budget_period TEXT
            )
            """,
            "CREATE INDEX api_keys_user_idx ON api_keys (user_id)",
            """
            CREATE TABLE signing_keys (
                kid TEXT NOT NULL PRIMARY KEY,
                algorithm TEXT NOT NULL,
                private_key TEXT NOT NULL,
                public_key TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                retired_at INTEGER
            )
            """,
            """
            CREATE TABLE audit_log (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                at INTEGER NOT NULL,
                actor_id TEXT,
                actor_name TEXT,
                action TEXT NOT NULL,
                target TEXT,
                detail TEXT NOT NULL,
                ip TEXT
            )
            """,
            "CREATE INDEX audit_log_at_idx ON audit_log (at)",
            "ALTER TABLE conversations ADD COLUMN owner_id TEXT NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000'",
            "ALTER TABLE collections ADD COLUMN owner_id TEXT NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000'",
            "ALTER TABLE documents ADD COLUMN owner_id TEXT NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000'",
            "CREATE INDEX conversations_owner_idx ON conversations (owner_id, updated_at)",
            "CREATE INDEX collections_owner_idx ON collections (owner_id)",
            "CREATE INDEX documents_owner_idx ON documents (owner_id)",
        ],
        down: [
            "DROP INDEX documents_owner_idx",
            "DROP INDEX collections_owner_idx",
            "DROP INDEX conversations_owner_idx",
            "ALTER TABLE documents DROP COLUMN owner_id",
            "ALTER TABLE collections DROP COLUMN owner_id",
            "ALTER TABLE conversations DROP COLUMN owner_id",
            "DROP INDEX audit_log_at_idx",
            "DROP TABLE audit_log",
            "DROP TABLE signing_keys",
            "DROP INDEX api_keys_user_idx",
            "DROP TABLE api_keys",
            "DROP INDEX refresh_tokens_user_idx",
            "DROP INDEX refresh_tokens_family_idx",
            "DROP TABLE refresh_tokens",
            "DROP TABLE users",
        ]
    )

    /// Answers that outlive their connection: the server records an answer as `streaming` when it
    /// starts and saves its text with a heartbeat every few hundred milliseconds, so any replica
    /// can resume it and a dead process's answers can be found and marked interrupted.
    static let v5AnswerHeartbeat = Migration(
        version: 5,
        name: "answer_heartbeat",
        up: [
            "ALTER TABLE messages ADD COLUMN heartbeat_at INTEGER",
            "CREATE INDEX messages_streaming_idx ON messages (status) WHERE status = 'streaming'",
        ],
        down: [
            "DROP INDEX messages_streaming_idx",
            "ALTER TABLE messages DROP COLUMN heartbeat_at",
        ]
    )

    /// Collections a team shares: `private` (the owner and admins) or `shared` (every signed-in
    /// user may read and search it). Existing collections stay private to their owner.
    static let v6CollectionVisibility = Migration(
        version: 6,
        name: "collection_visibility",
        up: [
            """
            ALTER TABLE collections ADD COLUMN visibility TEXT NOT NULL DEFAULT 'private' \
            CHECK (visibility IN ('private', 'shared'))
            """
        ],
        down: ["ALTER TABLE collections DROP COLUMN visibility"]
    )

    /// Answers that leave no message behind (the stateless `/v1/chat/completions`), with who
    /// asked: the user and, through a key, the API key. Asks are counted from their messages.
    static let v7UsageRecords = Migration(
        version: 7,
        name: "usage_records",
        up: [
            """
            CREATE TABLE usage_records (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                at INTEGER NOT NULL,
                user_id TEXT,
                api_key_id TEXT,
                source TEXT NOT NULL,
                provider TEXT NOT NULL,
                model TEXT NOT NULL,
                prompt_tokens INTEGER NOT NULL,
                completion_tokens INTEGER NOT NULL,
                cost REAL,
                status TEXT NOT NULL
            )
            """,
            "CREATE INDEX usage_records_at_idx ON usage_records (at)",
            "CREATE INDEX usage_records_user_idx ON usage_records (user_id, at)",
            "CREATE INDEX usage_records_key_idx ON usage_records (api_key_id, at)",
        ],
        down: [
            "DROP INDEX usage_records_key_idx",
            "DROP INDEX usage_records_user_idx",
            "DROP INDEX usage_records_at_idx",
            "DROP TABLE usage_records",
        ]
    )

    /// The state of the rate limiter (GCRA): per policy and subject (`policy` + U+001F + subject),
    /// the theoretical arrival time in microseconds and whether the last request was allowed, both
    /// set by one atomic statement, so every process on one database shares every limit. Not in
    /// backups: it is seconds-lived state.
    static let v8RateLimits = Migration(
        version: 8,
        name: "rate_limits",
        up: [
            """
            CREATE TABLE rate_limits (
                id TEXT NOT NULL PRIMARY KEY,
                tat INTEGER NOT NULL,
                allowed INTEGER NOT NULL
            )
            """
        ],
        down: ["DROP TABLE rate_limits"]
    )

    /// Limits and budgets of a user (`chatbot users set-limits`), replacing the role's and the
    /// server's defaults; the API key an answer in a conversation was asked with, so that a key's
    /// budget counts every answer it asked for; and the streams being answered now, one row each
    /// with an expiry its process renews, so a limit of concurrent streams holds across processes
    /// and a dead process's streams stop counting.
    static let v9UserLimits = Migration(
        version: 9,
        name: "user_limits",
        up: [
            "ALTER TABLE users ADD COLUMN rpm_limit INTEGER",
            "ALTER TABLE users ADD COLUMN stream_limit INTEGER",
            "ALTER TABLE users ADD COLUMN budget_cost REAL",
            "ALTER TABLE users ADD COLUMN budget_tokens INTEGER",
            "ALTER TABLE users ADD COLUMN budget_period TEXT",
            "ALTER TABLE messages ADD COLUMN api_key_id TEXT",
            """
            CREATE TABLE active_streams (
                id TEXT NOT NULL PRIMARY KEY,
                user_id TEXT NOT NULL,
                expires_at INTEGER NOT NULL
            )
            """,
            "CREATE INDEX active_streams_user_idx ON active_streams (user_id, expires_at)",
        ],
        down: [
            "DROP TABLE active_streams",
            "ALTER TABLE messages DROP COLUMN api_key_id",
            "ALTER TABLE users DROP COLUMN budget_period",
            "ALTER TABLE users DROP COLUMN budget_tokens",
            "ALTER TABLE users DROP COLUMN budget_cost",
            "ALTER TABLE users DROP COLUMN stream_limit",
            "ALTER TABLE users DROP COLUMN rpm_limit",
        ]
    )

    /// The durable job queue (ChatbotJobs): one row per job with its kind, JSON payload, owner,
    /// status, attempts, when it may run next, the lease of the worker running it, progress,
    /// result and error, and an idempotency key unique per owner. Workers claim the oldest due
    /// job (or one whose lease expired) by `run_at`.
    static let v10Jobs = Migration(
        version: 10,
        name: "jobs",
        up: [
            """
            CREATE TABLE jobs (
                id TEXT NOT NULL PRIMARY KEY,
                kind TEXT NOT NULL,
                payload TEXT NOT NULL,
                owner_id TEXT NOT NULL,
                status TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                max_attempts INTEGER NOT NULL,
                run_at INTEGER NOT NULL,
                lease_holder TEXT,
                lease_expires_at INTEGER,
                cancel_requested INTEGER NOT NULL,
                progress TEXT,
                result TEXT,
                error TEXT,
                idempotency_key TEXT,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                finished_at INTEGER
            )
            """,
            "CREATE UNIQUE INDEX jobs_idempotency_idx ON jobs (owner_id, idempotency_key)",
            // Only the jobs a claim may take, in the order it takes them: finished jobs pile up, and
            // a claim must not read them.
            "CREATE INDEX jobs_due_idx ON jobs (run_at, created_at) WHERE status IN ('queued', 'running')",
            "CREATE INDEX jobs_owner_idx ON jobs (owner_id, created_at)",
        ],
        down: [
            "DROP INDEX jobs_owner_idx",
            "DROP INDEX jobs_due_idx",
            "DROP INDEX jobs_idempotency_idx",
            "DROP TABLE jobs",
        ]
    )
}
