import Foundation

/// Keeps the k best candidates of a nearest query in a max-heap keyed by (haversine a, vehicle key).
///
/// Why `a` and not metres: `a = sin²(Δφ/2) + cos φ₁ cos φ₂ sin²(Δλ/2)` is monotone in the distance, so
/// ranking by it skips the `asin`/`sqrt` per candidate; the key breaks exact ties deterministically.
struct NearestCollector {
    struct Candidate {
        var a: Double
        var vehicleKey: Int64
        var slot: Int32

        @inline(__always)
        func worse(than other: Candidate) -> Bool {
            a > other.a || (a == other.a && vehicleKey > other.vehicleKey)
        }
    }

    let limit: Int
    /// Candidates beyond this `a` are outside the query radius.
    let maxA: Double
    /// Angular radius of the query, radians.
    let maxAngle: Double
    private(set) var heap: [Candidate] = []
    /// Nothing at an angular distance above this can enter any more (radians).
    private(set) var cutAngle: Double

    init(limit: Int, maxAngle: Double) {
        self.limit = limit
        self.maxAngle = maxAngle
        let half = sin(min(maxAngle, .pi) / 2)
        // A hair of slack; the caller filters the answer on exact metres afterwards.
        maxA = min(1, half * half * (1 + 1e-9) + 1e-18)
        cutAngle = maxAngle
        heap.reserveCapacity(min(limit, 1024))
    }

    var isFull: Bool { heap.count >= limit }

    @inline(__always)
    mutating func offer(a: Double, vehicleKey: Int64, slot: Int32) {
        guard a <= maxA else { return }
        let c = Candidate(a: a, vehicleKey: vehicleKey, slot: slot)
        if heap.count < limit {
            heap.append(c)
            siftUp(heap.count - 1)
            if heap.count == limit { updateCut() }
        } else if heap[0].worse(than: c) {
            heap[0] = c
            siftDown(0)
            updateCut()
        }
    }

    private mutating func updateCut() {
        let a = min(1, heap[0].a)
        cutAngle = min(maxAngle, 2 * asin(a.squareRoot()))
    }

    private mutating func siftUp(_ index: Int) {
        var i = index
        while i > 0 {
            let parent = (i - 1) / 2
            guard heap[i].worse(than: heap[parent]) else { return }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    private mutating func siftDown(_ index: Int) {
        var i = index
        let n = heap.count
        while true {
            let l = 2 * i + 1
            if l >= n { return }
            var m = l
            if l + 1 < n, heap[l + 1].worse(than: heap[l]) { m = l + 1 }
            guard heap[m].worse(than: heap[i]) else { return }
            heap.swapAt(i, m)
            i = m
        }
    }
}
