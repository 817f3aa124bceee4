#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Starts a program in its own session (so Ctrl-C in the terminal does not reach it), with
/// stdin from /dev/null and stdout and stderr appended to a log file.
enum DetachedProcess {
    struct SpawnError: Error, CustomStringConvertible {
        var description: String
    }

    #if canImport(Glibc)
        /// glibc's POSIX_SPAWN_SETSID (spawn.h), hidden from Swift because it needs _GNU_SOURCE.
        private static let posixSpawnSetSID: Int32 = 0x80
    #endif

    #if canImport(Glibc)
        private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

        /// glibc's posix_spawn_file_actions_addclosefrom_np (2.34+), hidden from Swift because it needs _GNU_SOURCE.
        private static let addCloseFrom: CloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np")
            .map { unsafeBitCast($0, to: CloseFrom.self) }
    #endif

    /// Adds actions that close every descriptor above stderr in the child.
    private static func closeInheritedDescriptors(_ fileActions: inout posix_spawn_file_actions_t) {
        #if canImport(Glibc)
            if let addCloseFrom, addCloseFrom(&fileActions, 3) == 0 { return }
            // Older glibc: close what is open now (closing one that is gone by then is not an error).
            guard let directory = opendir("/proc/self/fd") else { return }
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) {
                    String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
                }
                if let fd = Int32(name), fd > 2, fd != dirfd(directory) {
                    posix_spawn_file_actions_addclose(&fileActions, fd)
                }
            }
        #endif
    }

    /// Spawns `executable` and returns its pid.
    static func spawn(executable: String, arguments: [String], logFile: String, environment: [String: String]) throws
        -> pid_t
    {
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        posix_spawn_file_actions_addopen(&fileActions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&fileActions, 1, logFile, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&fileActions, 1, 2)
        // The server outlives us: it must not inherit our other descriptors (sockets, epoll, and
        // whatever our parent leaked to us, such as the socket Foundation's Process uses to notice
        // that we exited; a parent waiting on that would hang until the server stops).
        closeInheritedDescriptors(&fileActions)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        #if canImport(Glibc)
            posix_spawnattr_setflags(
                &attributes, Int16(posixSpawnSetSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        #else
            posix_spawnattr_setflags(
                &attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_CLOEXEC_DEFAULT))
        #endif
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGPIPE, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in envp { free(pointer) } }

        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &fileActions, &attributes, argv, envp)
        guard result == 0 else {
            throw SpawnError(description: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// Whether `pid` is alive. Reaps it first when it is our exited child, so a zombie counts as dead.
    static func isAlive(_ pid: pid_t) -> Bool {
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }
}
