/// A fence with its shape compiled for the hot path; a class so that handing one to a query callback is one retain.
final class PreparedFence: Sendable {
    let fence: Fence
    let shape: PreparedShape

    init(_ fence: Fence, area: FenceArea) {
        self.fence = fence
        shape = PreparedShape(area)
    }
}
