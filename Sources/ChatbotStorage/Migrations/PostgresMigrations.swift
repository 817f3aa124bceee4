/// The PostgreSQL schema, embedded in the binary: the same versions and names as
/// ``SQLiteMigrations``, with PostgreSQL types. Never edit a released migration: add a new one.
///
/// Times are `BIGINT` milliseconds since 1970, `cached` is `BOOLEAN`; the repository binds Swift
/// values, which the driver maps to these, so its SQL is the same on both backends.
enum PostgresMigrations {
    /// Every migration, oldest first.
    static let all: [Migration] = [
        v1Initial, v2Embeddings, v3Documents, v4Accounts, v5AnswerHeartbeat, v6CollectionVisibility,
        v7UsageRecords, v8RateLimits, v9UserLimits, v10Jobs,
    ]

    /// Conversations, messages (with a generated `tsvector` column and GIN index), response
    /// cache, and the pgvector extension when the server has it.
    static let v1Initial = Migration(
        version: 1,
        name: "initial_schema",
        up: [
            """
            CREATE TABLE conversations (
                id TEXT NOT NULL PRIMARY KEY,
                title TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX conversations_updated_at_idx ON conversations (updated_at)",
            // `seq`: insertion order for messages with equal timestamps.
            """
            CREATE TABLE messages (
                seq BIGSERIAL PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
                role TEXT NOT NULL,
                content TEXT NOT NULL,
                model TEXT,
                provider TEXT,
                prompt_tokens BIGINT,
                completion_tokens BIGINT,
                cost DOUBLE PRECISION,
                latency_ms BIGINT,
                status TEXT NOT NULL,
                error TEXT,
                cached BOOLEAN NOT NULL DEFAULT FALSE,
                created_at BIGINT NOT NULL,
                content_tsv TSVECTOR GENERATED ALWAYS AS (to_tsvector('english', content)) STORED
            )
            """,
            "CREATE INDEX messages_conversation_idx ON messages (conversation_id, created_at, seq)",
            "CREATE INDEX messages_created_at_idx ON messages (created_at)",
            "CREATE INDEX messages_content_tsv_idx ON messages USING GIN (content_tsv)",
            """
            CREATE TABLE response_cache (
                key TEXT NOT NULL PRIMARY KEY,
                provider TEXT NOT NULL,
                model TEXT NOT NULL,
                content TEXT NOT NULL,
                prompt_tokens BIGINT,
                completion_tokens BIGINT,
                created_at BIGINT NOT NULL
            )
            """,
            // pgvector when the server has it (and we may create it); vector search falls back to an
            // exact scan otherwise. The same SQL (and checksum) on every server.
            """
            DO $$
            BEGIN
                IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
                    CREATE EXTENSION IF NOT EXISTS vector;
                END IF;
            EXCEPTION WHEN insufficient_privilege THEN
                RAISE NOTICE 'pgvector is available but this role may not create it';
            END
            $$
            """,
        ],
        down: [
            "DROP TABLE response_cache",
            "DROP INDEX messages_content_tsv_idx",
            "DROP INDEX messages_created_at_idx",
            "DROP INDEX messages_conversation_idx",
            "DROP TABLE messages",
            "DROP INDEX conversations_updated_at_idx",
            "DROP TABLE conversations",
        ]
    )

    /// Embedding vectors as `REAL[]` on every server, so the schema (and its checksum) does not
    /// depend on pgvector. With pgvector, ``SQLVectorStore`` adds one partial HNSW index per
    /// dimension count over `vector::vector(N)` (cosine); without it, search scans exactly.
    static let v2Embeddings = Migration(
        version: 2,
        name: "embeddings",
        up: [
            """
            CREATE TABLE embeddings (
                seq BIGSERIAL PRIMARY KEY,
                collection TEXT NOT NULL,
                item_id TEXT NOT NULL,
                model TEXT NOT NULL,
                dimensions INTEGER NOT NULL CHECK (dimensions > 0 AND cardinality(vector) = dimensions),
                vector REAL[] NOT NULL,
                created_at BIGINT NOT NULL,
                UNIQUE (collection, model, item_id)
            )
            """
        ],
        down: ["DROP TABLE embeddings"]
    )

    /// Document collections for retrieval: collections, documents, chunks with a generated
    /// `tsvector` column and a GIN index.
    static let v3Documents = Migration(
        version: 3,
        name: "documents",
        up: [
            """
            CREATE TABLE collections (
                name TEXT NOT NULL PRIMARY KEY,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE documents (
                id TEXT NOT NULL PRIMARY KEY,
                collection TEXT NOT NULL REFERENCES collections (name) ON DELETE CASCADE,
                source TEXT NOT NULL,
                content_hash TEXT NOT NULL,
                media_type TEXT NOT NULL,
                size BIGINT NOT NULL,
                title TEXT,
                metadata TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                UNIQUE (collection, source)
            )
            """,
            "CREATE INDEX documents_content_hash_idx ON documents (content_hash)",
            """
            CREATE TABLE chunks (
                seq BIGSERIAL PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
                ordinal INTEGER NOT NULL,
                text TEXT NOT NULL,
                location TEXT NOT NULL,
                text_tsv TSVECTOR GENERATED ALWAYS AS (to_tsvector('english', text)) STORED
            )
            """,
            "CREATE INDEX chunks_document_idx ON chunks (document_id, ordinal)",
            "CREATE INDEX chunks_text_tsv_idx ON chunks USING GIN (text_tsv)",
        ],
        down: [
            "DROP INDEX chunks_text_tsv_idx",
            "DROP INDEX chunks_document_idx",
            "DROP TABLE chunks",
            "DROP INDEX documents_content_hash_idx",
            "DROP TABLE documents",
            "DROP TABLE collections",
        ]
    )

    /// Accounts, as ``SQLiteMigrations/v4Accounts`` with PostgreSQL types (`BOOLEAN`, `BIGINT`,
    /// `BIGSERIAL`, `DOUBLE PRECISION`).
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
                disabled BOOLEAN NOT NULL DEFAULT FALSE,
                created_at BIGINT NOT NULL,
                token_version BIGINT NOT NULL DEFAULT 0
            )
            """,
            """
            CREATE TABLE refresh_tokens (
                token_hash TEXT NOT NULL PRIMARY KEY,
                family_id TEXT NOT NULL,
                user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                expires_at BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                rotated_at BIGINT,
                revoked_at BIGINT
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
                created_at BIGINT NOT NULL,
                expires_at BIGINT,
                revoked_at BIGINT,
                last_used_at BIGINT,
                rpm_limit BIGINT,
                tpm_limit BIGINT,
                budget_cost DOUBLE PRECISION,
                budget_tokens BIGINT,
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
                created_at BIGINT NOT NULL,
                retired_at BIGINT
            )
            """,
            """
            CREATE TABLE audit_log (
                id BIGSERIAL PRIMARY KEY,
                at BIGINT NOT NULL,
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
            "ALTER TABLE messages ADD COLUMN heartbeat_at BIGINT",
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
                id BIGSERIAL PRIMARY KEY,
                at BIGINT NOT NULL,
                user_id TEXT,
                api_key_id TEXT,
                source TEXT NOT NULL,
                provider TEXT NOT NULL,
                model TEXT NOT NULL,
                prompt_tokens BIGINT NOT NULL,
                completion_tokens BIGINT NOT NULL,
                cost DOUBLE PRECISION,
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
                tat BIGINT NOT NULL,
                allowed BIGINT NOT NULL
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
            "ALTER TABLE users ADD COLUMN rpm_limit BIGINT",
            "ALTER TABLE users ADD COLUMN stream_limit BIGINT",
            "ALTER TABLE users ADD COLUMN budget_cost DOUBLE PRECISION",
            "ALTER TABLE users ADD COLUMN budget_tokens BIGINT",
            "ALTER TABLE users ADD COLUMN budget_period TEXT",
            "ALTER TABLE messages ADD COLUMN api_key_id TEXT",
            """
            CREATE TABLE active_streams (
                id TEXT NOT NULL PRIMARY KEY,
                user_id TEXT NOT NULL,
                expires_at BIGINT NOT NULL
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
                attempts BIGINT NOT NULL,
                max_attempts BIGINT NOT NULL,
                run_at BIGINT NOT NULL,
                lease_holder TEXT,
                lease_expires_at BIGINT,
                cancel_requested BIGINT NOT NULL,
                progress TEXT,
                result TEXT,
                error TEXT,
                idempotency_key TEXT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                finished_at BIGINT
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
