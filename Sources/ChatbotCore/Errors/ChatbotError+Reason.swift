extension ChatbotError {
    /// A stable name for one particular failure (`lock-held`, `private-address`), so a front end can
    /// add advice only it can give: the CLI names its flags, the server its parameters. Libraries
    /// keep their messages and hints free of both and set a reason instead.
    ///
    /// Reasons are open: a module may declare its own with ``init(_:)``. The raw value is a
    /// lowercase slug that never changes once published.
    public struct Reason: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
        /// The slug, e.g. `lock-held`.
        public let rawValue: String

        /// Creates a reason from its slug.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// Creates a reason from its slug.
        public init(_ rawValue: String) {
            self.rawValue = rawValue
        }

        /// The slug.
        public var description: String { rawValue }

        /// The configuration file cannot be read or parsed; a fresh one can be written.
        public static let invalidConfigFile = Reason("invalid-config-file")
        /// A named lock (database, collection) is held by another process; waiting would help.
        public static let lockHeld = Reason("lock-held")
        /// The collection asked for does not exist and there are no collections at all yet.
        public static let noCollections = Reason("no-collections")
        /// A file given as audio or video that FFmpeg cannot read: not media, a refused container,
        /// damaged, or too long. The input's fault, not the program's.
        public static let unreadableMedia = Reason("unreadable-media")
        /// The model server refused the request itself (400, 413 or 422: too long for its context,
        /// messages in an order it does not take, a value out of its range): the asker's input,
        /// as far as a server relaying it is concerned.
        public static let modelRefusedRequest = Reason("model-refused-request")

        /// The backup is encrypted and no key or passphrase was given.
        public static let backupKeyMissing = Reason("backup-key-missing")
        /// A key file was given for a backup encrypted with a passphrase.
        public static let backupNeedsPassphrase = Reason("backup-needs-passphrase")
        /// A passphrase was given for a backup encrypted with a key file.
        public static let backupNeedsKeyFile = Reason("backup-needs-key-file")
        /// The restore target holds data and replacing it was not asked for.
        public static let restoreTargetNotEmpty = Reason("restore-target-not-empty")

        /// The input's stream choice is wrong or ambiguous; listing the streams helps.
        public static let mediaStreamChoice = Reason("media-stream-choice")
        /// There is no audio, but a text subtitle track could be used instead.
        public static let subtitlesAvailable = Reason("subtitles-available")
        /// Subtitles were asked for and there are none; the audio could be transcribed instead.
        public static let noSubtitles = Reason("no-subtitles")

        /// The input is larger than the configured size limit.
        public static let inputTooLarge = Reason("input-too-large")
        /// The PDF is encrypted and no password was given.
        public static let pdfPasswordMissing = Reason("pdf-password-missing")

        /// A URL points at a private or special address, which fetching refuses by default.
        public static let privateAddress = Reason("private-address")
        /// A fetch did not finish within the configured time.
        public static let fetchTimedOut = Reason("fetch-timed-out")
        /// A fetched body is larger than the configured limit.
        public static let responseTooLarge = Reason("response-too-large")
    }
}
