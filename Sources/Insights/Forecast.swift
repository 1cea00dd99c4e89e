/// A robust one-step-ahead forecast of the bucket after a window of values.
///
/// Robust so that one elevated bucket at the end of the window (the first bucket of a ramp that
/// did not alert yet) neither drags the forecast up nor inflates the noise estimate: the level is a
/// median, the trend a Theil–Sen slope (median of pairwise slopes) and the spread a scaled median
/// absolute residual.
struct Forecast {
    /// The forecast value, never negative.
    let value: Double
    /// Robust standard deviation of the window around its fit: 1.4826 × median |residual|.
    let residualStdDev: Double
    /// Factor by which the forecast's own estimation error widens the noise variance:
    /// 1 + π/(2n) for a median, 1 + 1/n + (x₀ − x̄)²/Sxx for a line (the least-squares factor,
    /// a close approximation for Theil–Sen).
    let uncertainty: Double

    /// Scales a median absolute deviation to a normal standard deviation.
    private static let madToStdDev = 1.4826

    /// Forecasts the value after `values` (oldest first, at least two) with a Theil–Sen line
    /// (`linearTrend`, at least three values) or with their median.
    init(_ values: [Double], linearTrend: Bool) {
        let count = Double(values.count)
        let slope = linearTrend && values.count >= 3 ? Self.theilSenSlope(values) : 0
        let intercept = slope == 0 ? Self.median(values) : Self.median(values.enumerated().map { $0.element - slope * Double($0.offset) })
        let residuals = values.enumerated().map { abs($0.element - intercept - slope * Double($0.offset)) }
        value = max(0, intercept + slope * count)
        residualStdDev = Self.madToStdDev * Self.median(residuals)
        if linearTrend && values.count >= 3 {
            let centre = (count - 1) / 2
            let sumXX = count * (count * count - 1) / 12
            uncertainty = 1 + 1 / count + (count - centre) * (count - centre) / sumXX
        } else {
            uncertainty = 1 + Double.pi / (2 * count)
        }
    }

    /// The median of the slopes between every pair of values.
    private static func theilSenSlope(_ values: [Double]) -> Double {
        var slopes: [Double] = []
        slopes.reserveCapacity(values.count * (values.count - 1) / 2)
        for later in 1..<values.count {
            for earlier in 0..<later {
                slopes.append((values[later] - values[earlier]) / Double(later - earlier))
            }
        }
        return median(slopes)
    }

    /// The median of `values` (the mean of the middle two for an even count); 0 when empty.
    /// Up to 32 values (a window's blocks) an insertion sort; more (the Theil–Sen slopes judged at
    /// every bucket) selection (Hoare's quickselect, median-of-three pivots), linear on average.
    static func median(_ values: consuming [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        var items = values
        let middle = items.count / 2
        if items.count <= 32 {
            // A window's few blocks: insertion sort does fewer steps than selection.
            items.withUnsafeMutableBufferPointer { buffer in
                for index in 1..<buffer.count {
                    let item = buffer[index]
                    var slot = index
                    while slot > 0 && buffer[slot - 1] > item {
                        buffer[slot] = buffer[slot - 1]
                        slot -= 1
                    }
                    buffer[slot] = item
                }
            }
            return items.count.isMultiple(of: 2) ? (items[middle - 1] + items[middle]) / 2 : items[middle]
        }
        let upper = select(&items, middle)
        guard items.count.isMultiple(of: 2) else { return upper }
        // After selection everything before `middle` is ≤ the upper middle: the lower middle is its maximum.
        return (items[..<middle].max()! + upper) / 2
    }

    /// Rearranges `items` so that `items[rank]` is the value of that rank in sorted order, with
    /// smaller-or-equal values before it and greater-or-equal after; returns it.
    private static func select(_ items: inout [Double], _ rank: Int) -> Double {
        var low = 0, high = items.count - 1
        while low < high {
            let mid = low + (high - low) / 2
            if items[mid] < items[low] { items.swapAt(mid, low) }
            if items[high] < items[low] { items.swapAt(high, low) }
            if items[high] < items[mid] { items.swapAt(high, mid) }
            let pivot = items[mid]
            var left = low, right = high
            while left <= right {
                while items[left] < pivot { left += 1 }
                while items[right] > pivot { right -= 1 }
                if left <= right {
                    items.swapAt(left, right)
                    left += 1
                    right -= 1
                }
            }
            if rank <= right {
                high = right
            } else if rank >= left {
                low = left
            } else {
                return items[rank]
            }
        }
        return items[rank]
    }
}
