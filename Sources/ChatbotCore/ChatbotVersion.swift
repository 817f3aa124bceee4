/// The one place the chatbot version is written: `--version`, the web User-Agent and anything
/// else that reports it read it from here.
public enum ChatbotVersion {
    /// The release version, e.g. `0.1.0`.
    public static let current = "0.1.0"
}
