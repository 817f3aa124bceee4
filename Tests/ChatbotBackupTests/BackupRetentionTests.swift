import ChatbotBackup
import Foundation
import Testing

@Suite("prune retention")
struct BackupRetentionTests {
    private static let now = Date(timeIntervalSince1970: 1_767_268_800)  // Thursday 2026-01-01 12:00 UTC

    private static func backup(hoursAgo: Double) -> BackupSummary {
        let date = now.addingTimeInterval(-hoursAgo * 3600)
        return BackupSummary(
            name: "b-\(Int(hoursAgo))", location: "/x", createdAt: date, schemaVersion: 1, backend: "sqlite", rows: 0,
            objects: 0, bytes: 0, encrypted: false)
    }

    /// Four backups a day (every 6 hours) for 60 days, the newest 2 hours ago.
    private static let history = (0..<240).map { backup(hoursAgo: 2 + Double($0) * 6) }

    @Test("keep-last keeps the newest N only")
    func keepLast() {
        let (keep, delete) = BackupRetention(keepLast: 3).apply(to: Self.history, now: Self.now)
        #expect(keep.map(\.name) == ["b-2", "b-8", "b-14"])
        #expect(delete.count == 237)
    }

    @Test("keep-daily keeps the newest backup of each of the last N UTC days")
    func keepDaily() {
        let (keep, _) = BackupRetention(keepDaily: 3).apply(to: Self.history, now: Self.now)
        // Today (2026-01-01): 10:00 (2 h ago); 2025-12-31: newest is 22:00 (14 h ago); 2025-12-30: 22:00 (38 h ago).
        #expect(keep.map(\.name) == ["b-2", "b-14", "b-38"])
    }

    @Test("keep-weekly keeps the newest backup of each of the last N ISO weeks")
    func keepWeekly() {
        let (keep, _) = BackupRetention(keepWeekly: 2).apply(to: Self.history, now: Self.now)
        // This ISO week began Monday 2025-12-29; the previous one on 2025-12-22. Newest of that week:
        // Sunday 2025-12-28 22:00, 86 hours before now.
        #expect(keep.map(\.name) == ["b-2", "b-86"])
    }

    @Test("the rules combine; future-dated backups are kept; nothing is kept twice")
    func combined() {
        let future = Self.backup(hoursAgo: -5)
        let (keep, delete) = BackupRetention(keepLast: 2, keepDaily: 2, keepWeekly: 3).apply(
            to: Self.history + [future], now: Self.now)
        // keep-last counts the future-dated backup too.
        #expect(keep.map(\.name) == ["b--5", "b-2", "b-14", "b-86", "b-254"])
        #expect(keep.count + delete.count == 241)
        #expect(Set(keep.map(\.name)).isDisjoint(with: delete.map(\.name)))
    }
}
