import ChatbotCore

/// The ``ChatbotError``s this module throws, in one place so messages stay consistent: each
/// names the URL (or host) and the reason.
enum WebErrors {
    /// The SSRF guard or the scheme check refused the URL (exit 64 in the CLI: the input is wrong).
    static func refused(
        url: String, reason: String, hint: String? = nil, code: ChatbotError.Reason? = nil
    ) -> ChatbotError {
        ChatbotError(.usage, "refused to fetch \(url): \(reason)", hint: hint, reason: code)
    }

    /// DNS failed.
    static func unresolvable(host: String, reason: String) -> ChatbotError {
        ChatbotError(.unavailable, "cannot resolve \(host): \(reason)")
    }

    /// Connect or total timeout.
    static func timeout(url: String, what: String) -> ChatbotError {
        ChatbotError(
            .temporary, "timed out fetching \(url): \(what)",
            hint: "the server is slow or never finished the response; try again or raise the timeout",
            reason: .fetchTimedOut)
    }

    /// Redirect problems: too many hops, a loop, a missing or bad Location.
    static func redirect(url: String, reason: String) -> ChatbotError {
        ChatbotError(.runtime, "redirect from \(url) not followed: \(reason)")
    }

    /// The decoded body is larger than allowed.
    static func tooLarge(url: String, limit: Int) -> ChatbotError {
        ChatbotError(
            .runtime, "response body of \(url) exceeds \(limit) bytes after decoding",
            hint: "a compression bomb or a very large page; raise the size limit if the page is legitimate",
            reason: .responseTooLarge)
    }

    /// The body cannot be decoded.
    static func corrupt(url: String, reason: String) -> ChatbotError {
        ChatbotError(.runtime, "cannot decode the response body of \(url): \(reason)")
    }

    /// Any other transport failure.
    static func transport(url: String, reason: String) -> ChatbotError {
        ChatbotError(.unavailable, "cannot fetch \(url): \(reason)")
    }
}

/// Errors about crawl inputs.
enum ChatbotErrorFactory {
    /// A sitemap that is neither `<urlset>` nor `<sitemapindex>`.
    static func invalidSitemap(_ source: String) -> ChatbotError {
        ChatbotError(.runtime, "\(source) is not a sitemap: no <urlset> or <sitemapindex> element")
    }
}
