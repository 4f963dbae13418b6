/// Strongly connected components of a CSR digraph (Tarjan's algorithm, iterative so deep graphs do not overflow the stack).
enum StrongComponents {
    /// The component id of every node and each component's size.
    static func compute(nodeCount: Int, arcStart: [UInt32], arcTarget: [UInt32]) -> (component: [Int32], sizes: [Int]) {
        var index = [Int32](repeating: -1, count: nodeCount)
        var lowLink = [Int32](repeating: 0, count: nodeCount)
        var onStack = [Bool](repeating: false, count: nodeCount)
        var component = [Int32](repeating: -1, count: nodeCount)
        var sizes: [Int] = []
        var stack: [Int32] = []
        var callStack: [(node: Int32, nextArc: UInt32)] = []
        var counter: Int32 = 0

        for root in 0..<nodeCount where index[root] < 0 {
            callStack.append((Int32(root), arcStart[root]))
            index[root] = counter; lowLink[root] = counter; counter += 1
            stack.append(Int32(root)); onStack[root] = true
            while let frame = callStack.last {
                let node = Int(frame.node)
                if frame.nextArc < arcStart[node + 1] {
                    callStack[callStack.count - 1].nextArc += 1
                    let next = Int(arcTarget[Int(frame.nextArc)])
                    if index[next] < 0 {
                        index[next] = counter; lowLink[next] = counter; counter += 1
                        stack.append(Int32(next)); onStack[next] = true
                        callStack.append((Int32(next), arcStart[next]))
                    } else if onStack[next] {
                        lowLink[node] = min(lowLink[node], index[next])
                    }
                    continue
                }
                callStack.removeLast()
                if let parent = callStack.last {
                    lowLink[Int(parent.node)] = min(lowLink[Int(parent.node)], lowLink[node])
                }
                if lowLink[node] == index[node] {
                    let id = Int32(sizes.count)
                    var size = 0
                    while true {
                        let member = Int(stack.removeLast())
                        onStack[member] = false
                        component[member] = id
                        size += 1
                        if member == node { break }
                    }
                    sizes.append(size)
                }
            }
        }
        return (component, sizes)
    }
}
