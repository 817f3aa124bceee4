import ChatbotCore

/// What has arrived so far while an answer streams in.
actor StreamProgress {
    struct Snapshot {
        var text: String
        var reference: ModelReference?
        var usage: ChatUsage?
        var fallbacks: [AskOutcome.FallbackNote]
    }

    private var text = ""
    private var reference: ModelReference?
    private var usage: ChatUsage?
    private var fallbacks: [AskOutcome.FallbackNote] = []

    func append(_ piece: String) { text += piece }
    func answered(by reference: ModelReference) { self.reference = reference }
    func record(_ usage: ChatUsage) { self.usage = usage }
    func fellBack(from reference: ModelReference, reason: String) {
        fallbacks.append(AskOutcome.FallbackNote(model: reference.description, reason: reason))
    }

    func snapshot() -> Snapshot {
        Snapshot(text: text, reference: reference, usage: usage, fallbacks: fallbacks)
    }
}
