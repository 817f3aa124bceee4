public import ChatbotCore
import Foundation

extension FaultInjectingServer {
    /// What the server does with one request: a script of writes, waits and closes.
    ///
    /// Build behaviours with the static functions; they cover OpenAI-compatible answers and the
    /// faults a real server cannot produce on demand.
    public struct Behaviour: Sendable {
        enum Step: Sendable {
            case head(status: Int, headers: [(String, String)])
            case body(String)
            case end
            case wait(Duration)
            /// Closes the connection at once, whatever was written so far.
            case close
            /// Does nothing more; the connection stays open until the server shuts down.
            case stall
        }

        let steps: [Step]

        /// A normal SSE answer: one chunk per token (the first also carrying the role), a chunk
        /// with the finish reason, a usage chunk when `usage` is given, then `data: [DONE]`.
        public static func stream(
            _ tokens: [String],
            model: String = "fake-model",
            usage: ChatUsage? = ChatUsage(promptTokens: 7, completionTokens: 3),
            finishReason: String = "stop",
            chunkDelay: Duration = .zero
        ) -> Behaviour {
            var steps: [Step] = [sseHead]
            for (index, token) in tokens.enumerated() {
                if chunkDelay > .zero { steps.append(.wait(chunkDelay)) }
                steps.append(.body(FakeOpenAIWire.chunk(model: model, content: token, isFirst: index == 0)))
            }
            steps.append(.body(FakeOpenAIWire.chunk(model: model, finishReason: finishReason)))
            if let usage { steps.append(.body(FakeOpenAIWire.usageChunk(model: model, usage: usage))) }
            steps.append(.body("data: [DONE]\n\n"))
            steps.append(.end)
            return Behaviour(steps: steps)
        }

        /// A non-streamed `application/json` completion, as servers that ignore `stream: true` send.
        public static func json(
            _ content: String,
            model: String = "fake-model",
            usage: ChatUsage? = ChatUsage(promptTokens: 7, completionTokens: 3),
            finishReason: String = "stop"
        ) -> Behaviour {
            let body = FakeOpenAIWire.completion(
                model: model, content: content, usage: usage, finishReason: finishReason)
            return Behaviour(steps: [
                .head(
                    status: 200,
                    headers: [("Content-Type", "application/json"), ("Content-Length", "\(body.utf8.count)")]),
                .body(body),
                .end,
            ])
        }

        /// An error status with an OpenAI-style body `{"error":{"message":…}}` and, when given,
        /// a `Retry-After` header (seconds or an HTTP-date, sent verbatim).
        public static func status(_ code: Int, message: String, retryAfter: String? = nil) -> Behaviour {
            status(code, body: FakeOpenAIWire.error(message: message, code: code), retryAfter: retryAfter)
        }

        /// An error status with the given body, sent verbatim.
        public static func status(
            _ code: Int,
            body: String,
            contentType: String = "application/json",
            retryAfter: String? = nil
        ) -> Behaviour {
            var headers = [("Content-Type", contentType), ("Content-Length", "\(body.utf8.count)")]
            if let retryAfter { headers.append(("Retry-After", retryAfter)) }
            return Behaviour(steps: [.head(status: code, headers: headers), .body(body), .end])
        }

        /// `behaviour`, after waiting `delay` before sending anything (a slow first byte).
        public static func delayed(by delay: Duration, _ behaviour: Behaviour) -> Behaviour {
            Behaviour(steps: [.wait(delay)] + behaviour.steps)
        }

        /// Streams `tokens`, then closes the connection without the finish reason, `[DONE]` or
        /// the terminating chunk: a server that crashed mid-answer.
        ///
        /// It waits 200 ms between the last token and the close: a client that sees the close
        /// before it has handed on the bytes already received may drop them (as it may with a real
        /// crash), and the pause keeps tests about "the text before the failure" deterministic on
        /// a loaded machine.
        public static func resetMidStream(after tokens: [String], model: String = "fake-model") -> Behaviour {
            Behaviour(steps: [sseHead] + tokenSteps(tokens, model: model) + [.wait(.milliseconds(200)), .close])
        }

        /// Streams `tokens`, then an event whose data is not JSON, then ends normally.
        public static func malformedSSE(after tokens: [String] = [], model: String = "fake-model") -> Behaviour {
            Behaviour(
                steps: [sseHead] + tokenSteps(tokens, model: model) + [
                    .body("data: {\"choices\": [{\"delta\": {\"content\": \n\n"),
                    .body("data: [DONE]\n\n"),
                    .end,
                ])
        }

        /// Streams `tokens`, then sends nothing more and keeps the connection open.
        public static func stall(after tokens: [String], model: String = "fake-model") -> Behaviour {
            Behaviour(steps: [sseHead] + tokenSteps(tokens, model: model) + [.stall])
        }

        /// A 200 `text/event-stream` response whose body is `chunks`, each written (and flushed)
        /// separately and verbatim, for SSE framing cases: CRLF, split lines, comments.
        public static func rawSSE(_ chunks: [String], chunkDelay: Duration = .milliseconds(5)) -> Behaviour {
            var steps: [Step] = [sseHead]
            for chunk in chunks {
                steps.append(.body(chunk))
                if chunkDelay > .zero { steps.append(.wait(chunkDelay)) }
            }
            steps.append(.end)
            return Behaviour(steps: steps)
        }

        private static let sseHead = Step.head(
            status: 200, headers: [("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache")])

        private static func tokenSteps(_ tokens: [String], model: String) -> [Step] {
            tokens.enumerated().map { index, token in
                .body(FakeOpenAIWire.chunk(model: model, content: token, isFirst: index == 0))
            }
        }
    }
}
