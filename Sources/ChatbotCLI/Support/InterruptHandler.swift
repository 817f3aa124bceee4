import Dispatch
import Foundation
import Synchronization

/// Turns the first Ctrl-C (SIGINT) into a call of `onInterrupt`; a second one exits at once with 130.
final class InterruptHandler: Sendable {
    // DispatchSourceSignal is thread-safe; it is only created here and cancelled in cancel().
    private nonisolated(unsafe) let source: any DispatchSourceSignal

    init(onInterrupt: @escaping @Sendable () -> Void) {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        let count = InterruptCount()
        source.setEventHandler {
            if count.increment() > 1 { exit(130) }
            onInterrupt()
        }
        source.resume()
        self.source = source
    }

    /// Stops handling SIGINT and restores the default action.
    func cancel() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}

/// How many times SIGINT arrived.
private final class InterruptCount: Sendable {
    private let value = Mutex(0)

    func increment() -> Int {
        value.withLock { count in
            count += 1
            return count
        }
    }
}
