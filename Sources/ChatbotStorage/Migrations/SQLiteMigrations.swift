/// The SQLite schema, embedded in the binary. Never edit a released migration: add a new one.
///
/// Times are `INTEGER` milliseconds since 1970 (`BIGINT` on PostgreSQL), booleans are
/// `INTEGER` 0/1 (`BOOLEAN` on PostgreSQL); the repository binds Swift values, which each driver
/// maps to these.
enum SQLiteMigrations {
    /// Every migration, oldest first.
    static let all: [Migration] = [v1Initial, v2Embeddings, v3Documents]

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
}
