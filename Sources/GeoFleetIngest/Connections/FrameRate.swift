import NIOCore

/// A per-connection frame-rate cap over fixed windows: a device sending more than `perSecond` frames a
/// second, averaged over a whole window, is misbehaving (a device emptying its buffer waits for ACKs).
struct FrameRate {
    /// Frames per second allowed on average; 0 turns the cap off.
    let perSecond: Int
    let window: TimeAmount
    private var windowStart: NIODeadline?
    private var count = 0

    init(perSecond: Int, window: TimeAmount = .seconds(30)) {
        self.perSecond = max(0, perSecond)
        self.window = window
    }

    /// Counts a frame at `now`; true when the current window went over the cap.
    mutating func exceeded(at now: NIODeadline) -> Bool {
        guard perSecond > 0 else { return false }
        if let start = windowStart, now - start < window {
            count += 1
        } else {
            windowStart = now
            count = 1
        }
        let allowed = Int64(perSecond) * max(1, window.nanoseconds / 1_000_000_000)
        return Int64(count) > allowed
    }
}
