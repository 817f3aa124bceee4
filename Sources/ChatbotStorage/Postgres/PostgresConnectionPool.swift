import PostgresKit

/// postgres-kit's connection pool, shareable across tasks.
///
/// `@unchecked Sendable` because async-kit does not annotate `EventLoopGroupConnectionPool`,
/// although it is made for concurrent use: its mutable state (the shutdown flag) is guarded by a
/// `NIOLock`, the per-event-loop storage is immutable after init, and each per-loop pool hops onto
/// its own event loop before touching its connections (Vapor shares one pool across requests the
/// same way).
struct PostgresConnectionPool: @unchecked Sendable {  // safe: see above (NIOLock, loop-confined pools)
    let pool: EventLoopGroupConnectionPool<PostgresConnectionSource>
}
