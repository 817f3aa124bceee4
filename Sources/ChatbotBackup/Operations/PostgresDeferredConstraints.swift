import ChatbotCore
import SQLKit

/// The indexes and constraints of some PostgreSQL tables — secondary indexes, primary keys, unique
/// constraints and foreign keys — dropped before a bulk load and recreated after it, inside the
/// restore's transaction (so a failure restores them too), as `pg_restore` loads tables that have
/// none yet.
///
/// Definitions are read from the catalog (`pg_get_indexdef`, `pg_get_constraintdef`), so whatever
/// the migrations created comes back exactly. Duplicate keys in a damaged backup fail when the
/// primary or unique key is added back, and roll the whole restore back.
struct PostgresDeferredConstraints: Sendable {
    struct Index: Sendable {
        let name: String
        let definition: String
    }

    /// A constraint of a table, as `pg_get_constraintdef` writes it.
    struct Constraint: Sendable {
        let table: String
        let name: String
        let definition: String
    }

    let indexes: [Index]
    /// Primary keys and unique constraints.
    let keys: [Constraint]
    let foreignKeys: [Constraint]

    /// How many indexes and constraints will be rebuilt.
    var count: Int { indexes.count + keys.count + foreignKeys.count }

    /// Reads and drops the secondary indexes and foreign keys of `tables` (in the search path).
    static func drop(on tables: [String], _ sql: any SQLDatabase) async throws -> PostgresDeferredConstraints {
        let names = SQLBind(tables)
        let indexRows = try await sql.raw(
            """
            SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
            FROM pg_index i
            JOIN pg_class c ON c.oid = i.indexrelid
            JOIN pg_class t ON t.oid = i.indrelid
            WHERE t.relname = ANY(\(names)) AND t.relnamespace = to_regnamespace(current_schema())::oid
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
            ORDER BY c.relname
            """
        ).all()
        let indexes = try indexRows.map {
            Index(
                name: try $0.decode(column: "name", as: String.self),
                definition: try $0.decode(column: "definition", as: String.self))
        }
        func constraints(_ types: String) async throws -> [Constraint] {
            try await sql.raw(
                """
                SELECT t.relname AS table_name, k.conname AS name, pg_get_constraintdef(k.oid) AS definition
                FROM pg_constraint k
                JOIN pg_class t ON t.oid = k.conrelid
                WHERE k.contype::text = ANY(\(SQLBind(types.map(String.init)))) AND t.relname = ANY(\(names))
                  AND t.relnamespace = to_regnamespace(current_schema())::oid
                ORDER BY t.relname, k.conname
                """
            ).all().map {
                Constraint(
                    table: try $0.decode(column: "table_name", as: String.self),
                    name: try $0.decode(column: "name", as: String.self),
                    definition: try $0.decode(column: "definition", as: String.self))
            }
        }
        let foreignKeys = try await constraints("f")
        let keys = try await constraints("pu")
        // Foreign keys first: they depend on the keys they reference.
        for key in foreignKeys + keys {
            try await sql.raw("ALTER TABLE \(ident: key.table) DROP CONSTRAINT \(ident: key.name)").run()
        }
        for index in indexes {
            try await sql.raw("DROP INDEX \(ident: index.name)").run()
        }
        return PostgresDeferredConstraints(indexes: indexes, keys: keys, foreignKeys: foreignKeys)
    }

    /// Recreates what ``drop(on:_:)`` dropped: primary and unique keys first, then the other indexes
    /// (with room to sort in memory), then the foreign keys, each validated by one query over the
    /// loaded rows.
    func recreate(_ sql: any SQLDatabase) async throws {
        guard count > 0 else { return }
        try await sql.raw("SET LOCAL maintenance_work_mem = '256MB'").run()
        for key in keys {
            try await sql.raw(
                "ALTER TABLE \(ident: key.table) ADD CONSTRAINT \(ident: key.name) \(unsafeRaw: key.definition)"
            ).run()
        }
        for index in indexes {
            try await sql.raw(SQLQueryString(index.definition)).run()
        }
        for key in foreignKeys {
            try await sql.raw(
                "ALTER TABLE \(ident: key.table) ADD CONSTRAINT \(ident: key.name) \(unsafeRaw: key.definition)"
            ).run()
        }
    }
}
