import ChatbotCore

/// The `User-Agent` chatbot sends, and the product token robots.txt groups are matched against.
public enum WebUserAgent {
    /// The robots.txt product token: `chatbot`.
    public static let productToken = "chatbot"

    /// `chatbot/VERSION (+https://github.com/chatbot-cli/chatbot)`; the version comes from
    /// ``ChatbotVersion/current``.
    public static let `default` = "\(productToken)/\(ChatbotVersion.current) (+https://github.com/chatbot-cli/chatbot)"
}
