public import ChatbotCore
import Foundation
public import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Starts, health-checks and stops the managed local model servers.
///
/// Servers run detached in their own session, bound to 127.0.0.1, with their pid and log under
/// the state directory, so later `chatbot` runs reuse them. Starting is serialised across
/// processes with a lock file: two `chatbot ask` runs that both find the server down start it once.
public struct LocalStackSupervisor: Sendable {
    /// The stack's settings.
    public var settings: LocalStackSettings
    private let logger: Logger

    /// Creates a supervisor.
    public init(settings: LocalStackSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    /// The current state of one server.
    public func status(_ kind: LocalServerKind) throws -> LocalServerStatus {
        let spec = try LocalServerSpec(kind: kind, settings: settings)
        let installed = spec.requiredFiles.allSatisfy { FileManager.default.fileExists(atPath: $0) }
        let pid = readPID(spec).flatMap { DetachedProcess.isAlive($0) ? $0 : nil }
        let code = HealthProbe.status(port: spec.port, path: spec.healthPath)
        return LocalServerStatus(
            kind: kind, installed: installed, pid: pid, healthy: code == 200, listening: code != nil,
            port: spec.port, baseURL: spec.baseURL, logFile: spec.logFile)
    }

    /// Whether the server answers its health check now.
    public func isHealthy(_ kind: LocalServerKind) throws -> Bool {
        let spec = try LocalServerSpec(kind: kind, settings: settings)
        return HealthProbe.status(port: spec.port, path: spec.healthPath) == 200
    }

    /// Starts the server unless it is already healthy, and waits until it is.
    ///
    /// - Returns: `true` when this call started it.
    @discardableResult
    public func ensureRunning(_ kind: LocalServerKind, timeout: Duration = .seconds(120)) async throws -> Bool {
        let spec = try LocalServerSpec(kind: kind, settings: settings)
        if HealthProbe.status(port: spec.port, path: spec.healthPath) == 200 { return false }
        for file in spec.requiredFiles where !FileManager.default.fileExists(atPath: file) {
            throw ChatbotError(
                .unavailable, "the local \(kind.rawValue) server is not installed (missing \(file))",
                hint: "run Scripts/setup, or configure another provider (chatbot config init)")
        }
        try FileManager.default.createDirectory(atPath: settings.stateDirectory, withIntermediateDirectories: true)
        let lock = try FileLock(path: "\(settings.stateDirectory)/\(kind.rawValue).lock")
        try await lock.acquire()
        defer { lock.release() }

        // Another process may have started it while we waited for the lock.
        if let pid = readPID(spec), DetachedProcess.isAlive(pid) {
            if try await waitUntilHealthy(spec, pid: pid, timeout: timeout) { return false }
        }
        if HealthProbe.status(port: spec.port, path: spec.healthPath) == 200 { return false }
        if HealthProbe.status(port: spec.port, path: spec.healthPath) != nil {
            throw ChatbotError(
                .unavailable,
                "port \(spec.port) is taken by another program that is not a healthy \(kind.rawValue) server",
                hint: "stop it, or choose another port with local.\(kind.rawValue)_port in the config")
        }
        logger.info("starting local server", metadata: ["kind": "\(kind.rawValue)", "port": "\(spec.port)"])
        let pid: pid_t
        do {
            var environment = ProcessInfo.processInfo.environment
            environment["OMP_NUM_THREADS"] =
                environment["OMP_NUM_THREADS"] ?? String(max(1, ProcessInfo.processInfo.activeProcessorCount))
            pid = try DetachedProcess.spawn(
                executable: spec.executable, arguments: spec.arguments, logFile: spec.logFile, environment: environment)
        } catch {
            throw ChatbotError(.unavailable, "\(error)")
        }
        try "\(pid)\n".write(toFile: spec.pidFile, atomically: true, encoding: .utf8)
        guard try await waitUntilHealthy(spec, pid: pid, timeout: timeout) else {
            throw ChatbotError(
                .unavailable, "the local \(kind.rawValue) server did not become ready",
                hint: "see its log: \(spec.logFile)")
        }
        return true
    }

    /// Stops the server if this stack started it. Returns whether something was stopped.
    @discardableResult
    public func stop(_ kind: LocalServerKind, timeout: Duration = .seconds(10)) async throws -> Bool {
        let spec = try LocalServerSpec(kind: kind, settings: settings)
        guard let pid = readPID(spec), DetachedProcess.isAlive(pid) else {
            try? FileManager.default.removeItem(atPath: spec.pidFile)
            return false
        }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + timeout
        while DetachedProcess.isAlive(pid), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        if DetachedProcess.isAlive(pid) { kill(pid, SIGKILL) }
        try? FileManager.default.removeItem(atPath: spec.pidFile)
        return true
    }

    private func waitUntilHealthy(_ spec: LocalServerSpec, pid: pid_t, timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        var delay = Duration.milliseconds(20)
        while ContinuousClock.now < deadline {
            if HealthProbe.status(port: spec.port, path: spec.healthPath) == 200 { return true }
            guard DetachedProcess.isAlive(pid) else {
                throw ChatbotError(
                    .unavailable, "the local \(spec.kind.rawValue) server exited while starting",
                    hint: "see its log: \(spec.logFile)")
            }
            try await Task.sleep(for: delay)
            delay = min(delay * 2, .milliseconds(250))
        }
        return false
    }

    private func readPID(_ spec: LocalServerSpec) -> pid_t? {
        guard let text = try? String(contentsOfFile: spec.pidFile, encoding: .utf8) else { return nil }
        return pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
