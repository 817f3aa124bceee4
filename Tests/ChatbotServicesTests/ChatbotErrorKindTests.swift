import ChatbotCore
import Testing

@Suite("ChatbotError.Kind: exit codes, HTTP statuses and problem types")
struct ChatbotErrorKindTests {
    @Test(
        "each kind has its documented exit code, HTTP status and problem type",
        arguments: [
            (ChatbotError.Kind.runtime, 1, 500, "runtime"),
            (.partial, 2, 500, "partial"),
            (.usage, 64, 400, "usage"),
            (.unavailable, 69, 503, "unavailable"),
            (.temporary, 75, 503, "temporary"),
            (.interrupted, 130, 499, "interrupted"),
            (.notFound, 1, 404, "not-found"),
            (.conflict, 1, 409, "conflict"),
            (.unauthorized, 64, 401, "unauthorized"),
            (.forbidden, 64, 403, "forbidden"),
            (.tooLarge, 64, 413, "too-large"),
            (.rateLimited, 75, 429, "rate-limited"),
            (.budgetExceeded, 75, 429, "budget-exceeded"),
        ] as [(ChatbotError.Kind, Int32, Int, String)])
    func mapping(kind: ChatbotError.Kind, exitCode: Int32, httpStatus: Int, problemType: String) {
        #expect(kind.exitCode == exitCode)
        #expect(kind.httpStatus == httpStatus)
        #expect(kind.problemType == problemType)
    }

    @Test("problem types are distinct URL-safe slugs, one per kind")
    func problemTypesAreSlugs() {
        let kinds = ChatbotError.Kind.allKinds
        #expect(kinds.count == 13)
        #expect(Set(kinds.map(\.problemType)).count == kinds.count)
        for kind in kinds {
            #expect(kind.problemType.allSatisfy { $0.isLowercase || $0 == "-" }, "\(kind)")
            #expect((400...599).contains(kind.httpStatus), "\(kind)")
        }
    }

    @Test("a reason is kept, compared by its slug, and does not change the message")
    func reason() {
        let error = ChatbotError(.temporary, "busy", hint: "wait", reason: .lockHeld)
        #expect(error.reason == ChatbotError.Reason("lock-held"))
        #expect(error.reason?.rawValue == "lock-held")
        #expect(error.description == "busy\nhint: wait")
        #expect(ChatbotError(.temporary, "busy").reason == nil)
    }
}
