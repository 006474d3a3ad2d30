/// A canonical, length-limited prefix code as deflate (RFC 1951 §3.2.2) writes it.
///
/// Lengths come from Huffman's algorithm, or from package-merge when a Huffman code would exceed the length
/// limit; both give the optimal complete code (zlib's inflate rejects incomplete codes). Codes are stored bit-reversed, ready for deflate's
/// least-significant-bit-first packing.
struct HuffmanCode {
    /// Code length per symbol; 0 for a symbol that never occurs.
    let lengths: [UInt8]
    /// Bit-reversed code per symbol.
    let codes: [UInt16]

    /// Builds the code for `frequencies` with no code longer than `limit` bits.
    ///
    /// When fewer than two symbols occur, the code still gets two one-bit codes (padding with symbols 0 or 1), so
    /// every decoder accepts it.
    init(frequencies: [UInt32], limit: Int) {
        lengths = Self.lengths(frequencies: frequencies, limit: limit)
        codes = Self.canonicalCodes(lengths: lengths)
    }

    /// Optimal lengths of at most `limit` bits.
    static func lengths(frequencies: [UInt32], limit: Int) -> [UInt8] {
        var lengths = [UInt8](repeating: 0, count: frequencies.count)
        var used = frequencies.indices.filter { frequencies[$0] > 0 }
        if used.count < 2 {
            // Pad to two symbols with one-bit codes: a single-code (or empty) alphabet is not complete.
            for padding in 0..<2 where used.count < 2 && !used.contains(padding) { used.append(padding) }
            for symbol in used { lengths[symbol] = 1 }
            return lengths
        }
        precondition(used.count <= 1 << limit, "too many symbols for a \(limit)-bit code")
        used.sort { (frequencies[$0], $0) < (frequencies[$1], $1) }
        let weights = used.map { UInt64(frequencies[$0]) }
        let depths = huffmanDepths(sortedWeights: weights)
        if let deepest = depths.max(), deepest <= limit {
            for (leaf, symbol) in used.enumerated() { lengths[symbol] = UInt8(depths[leaf]) }
            return lengths
        }
        for (leaf, length) in packageMerge(sortedWeights: weights, limit: limit).enumerated() {
            lengths[used[leaf]] = length
        }
        return lengths
    }

    /// Leaf depths of a Huffman tree for ascending `sortedWeights` (at least two), built with two queues: the
    /// sorted leaves and the internal nodes, which are created in ascending weight order.
    static func huffmanDepths(sortedWeights weights: [UInt64]) -> [Int] {
        let leafCount = weights.count
        var nodeWeights = weights + [UInt64](repeating: 0, count: leafCount - 1)
        var parents = [Int](repeating: 0, count: 2 * leafCount - 1)
        var nextLeaf = 0
        var nextNode = leafCount
        for node in leafCount..<(2 * leafCount - 1) {
            for _ in 0..<2 {
                let child: Int
                if nextLeaf < leafCount, nextNode >= node || nodeWeights[nextLeaf] <= nodeWeights[nextNode] {
                    child = nextLeaf
                    nextLeaf += 1
                } else {
                    child = nextNode
                    nextNode += 1
                }
                nodeWeights[node] += nodeWeights[child]
                parents[child] = node
            }
        }
        // Parents come after their children, so one backward pass sets every depth (the root's is 0).
        var depths = [Int](repeating: 0, count: 2 * leafCount - 1)
        for node in stride(from: 2 * leafCount - 3, through: 0, by: -1) { depths[node] = depths[parents[node]] + 1 }
        return Array(depths[0..<leafCount])
    }

    /// Optimal lengths of at most `limit` bits for ascending `sortedWeights`, by package-merge (Larmore and
    /// Hirschberg): each of `limit` levels pairs up the cheapest items of the level below and merges the pairs
    /// with the leaves; the `2n − 2` cheapest items of the last level say, by how often each leaf appears in
    /// them, how long its code is.
    static func packageMerge(sortedWeights: [UInt64], limit: Int) -> [UInt8] {
        let leafCount = sortedWeights.count
        var lengths = [UInt8](repeating: 0, count: leafCount)

        // Node pool: leaves first (one per used symbol), then packages pointing at two earlier nodes.
        var weights = sortedWeights
        var children: [(Int32, Int32)] = Array(repeating: (-1, -1), count: leafCount)
        let leaves = Array(0..<leafCount)
        var level = leaves
        for _ in 1..<limit {
            var merged: [Int] = []
            merged.reserveCapacity(leaves.count + level.count / 2)
            var leafIndex = 0
            var pairIndex = 0
            while leafIndex < leaves.count || pairIndex + 1 < level.count {
                let pairWeight =
                    pairIndex + 1 < level.count ? weights[level[pairIndex]] + weights[level[pairIndex + 1]] : .max
                if leafIndex < leaves.count, weights[leaves[leafIndex]] <= pairWeight {
                    merged.append(leaves[leafIndex])
                    leafIndex += 1
                } else {
                    weights.append(pairWeight)
                    children.append((Int32(level[pairIndex]), Int32(level[pairIndex + 1])))
                    merged.append(weights.count - 1)
                    pairIndex += 2
                }
            }
            level = merged
        }
        var pending = Array(level.prefix(2 * leafCount - 2))
        while let node = pending.popLast() {
            if node < leafCount {
                lengths[node] += 1
            } else {
                let (left, right) = children[node]
                pending.append(Int(left))
                pending.append(Int(right))
            }
        }
        return lengths
    }

    /// Canonical codes for `lengths` (shorter codes first, then by symbol), bit-reversed.
    static func canonicalCodes(lengths: [UInt8]) -> [UInt16] {
        let maxLength = Int(lengths.max() ?? 0)
        var countPerLength = [Int](repeating: 0, count: maxLength + 1)
        for length in lengths where length > 0 { countPerLength[Int(length)] += 1 }
        var nextCode = [Int](repeating: 0, count: maxLength + 2)
        var code = 0
        for length in stride(from: 1, through: maxLength, by: 1) {
            code = (code + countPerLength[length - 1]) << 1
            nextCode[length] = code
        }
        return lengths.map { length in
            guard length > 0 else { return 0 }
            let value = nextCode[Int(length)]
            nextCode[Int(length)] += 1
            return reversed(UInt16(value), bits: Int(length))
        }
    }

    private static func reversed(_ value: UInt16, bits: Int) -> UInt16 {
        var input = value
        var output: UInt16 = 0
        for _ in 0..<bits {
            output = output << 1 | input & 1
            input >>= 1
        }
        return output
    }
}
