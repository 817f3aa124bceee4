public import Foundation

/// Grandfather-father-son retention for `backup prune`: which backups to keep.
///
/// A backup is kept when it is one of the newest ``keepLast``; or the newest of its UTC day, for
/// each of the ``keepDaily`` days ending today; or the newest of its ISO week, for each of the
/// ``keepWeekly`` weeks ending with the current one. Everything else may be deleted. Backups
/// dated in the future are always kept (a clock is wrong somewhere; deleting is not the answer).
public struct BackupRetention: Sendable, Hashable {
    /// Keep the newest N backups.
    public var keepLast: Int
    /// Keep the newest backup of each of the last N days (today included).
    public var keepDaily: Int
    /// Keep the newest backup of each of the last N ISO weeks (this week included).
    public var keepWeekly: Int

    /// Creates a policy; all zero keeps nothing, so callers should refuse that.
    public init(keepLast: Int = 0, keepDaily: Int = 0, keepWeekly: Int = 0) {
        self.keepLast = keepLast
        self.keepDaily = keepDaily
        self.keepWeekly = keepWeekly
    }

    /// Whether the policy keeps anything at all.
    public var keepsSomething: Bool { keepLast > 0 || keepDaily > 0 || keepWeekly > 0 }

    /// Splits `backups` into those to keep and those to delete (each newest first).
    public func apply(to backups: [BackupSummary], now: Date) -> (keep: [BackupSummary], delete: [BackupSummary]) {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let newestFirst = backups.sorted { ($0.createdAt, $0.name) > ($1.createdAt, $1.name) }
        var kept = Set<String>()
        for backup in newestFirst.prefix(keepLast) { kept.insert(backup.name) }
        for backup in newestFirst where backup.createdAt > now { kept.insert(backup.name) }

        let today = calendar.startOfDay(for: now)
        if keepDaily > 0, let oldestDay = calendar.date(byAdding: .day, value: -(keepDaily - 1), to: today) {
            var seenDays = Set<Date>()
            for backup in newestFirst where backup.createdAt <= now {
                let day = calendar.startOfDay(for: backup.createdAt)
                if day >= oldestDay, seenDays.insert(day).inserted { kept.insert(backup.name) }
            }
        }
        if keepWeekly > 0, let thisWeek = calendar.dateInterval(of: .weekOfYear, for: now)?.start,
            let oldestWeek = calendar.date(byAdding: .weekOfYear, value: -(keepWeekly - 1), to: thisWeek)
        {
            var seenWeeks = Set<Date>()
            for backup in newestFirst where backup.createdAt <= now {
                guard let week = calendar.dateInterval(of: .weekOfYear, for: backup.createdAt)?.start else { continue }
                if week >= oldestWeek, seenWeeks.insert(week).inserted { kept.insert(backup.name) }
            }
        }
        return (newestFirst.filter { kept.contains($0.name) }, newestFirst.filter { !kept.contains($0.name) })
    }
}
