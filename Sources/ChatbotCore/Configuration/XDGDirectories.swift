/// The XDG base directories, from the environment with the specification's defaults.
public struct XDGDirectories: Sendable {
    /// `$XDG_CONFIG_HOME` or `~/.config`.
    public var configHome: String
    /// `$XDG_DATA_HOME` or `~/.local/share`.
    public var dataHome: String
    /// `$XDG_STATE_HOME` or `~/.local/state`.
    public var stateHome: String
    /// `$XDG_CACHE_HOME` or `~/.cache`.
    public var cacheHome: String

    /// Reads the directories from `environment`.
    public init(environment: [String: String]) {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        func pick(_ name: String, _ fallback: String) -> String {
            if let value = environment[name], value.hasPrefix("/") { return value }
            return "\(home)/\(fallback)"
        }
        configHome = pick("XDG_CONFIG_HOME", ".config")
        dataHome = pick("XDG_DATA_HOME", ".local/share")
        stateHome = pick("XDG_STATE_HOME", ".local/state")
        cacheHome = pick("XDG_CACHE_HOME", ".cache")
    }
}
