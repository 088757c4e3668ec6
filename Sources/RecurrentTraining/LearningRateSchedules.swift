import Recurrent

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A learning rate as a function of the step, the one owner of a run's rate: what ``Trainer`` sets on the optimizer
/// before every update (PyTorch's `lr_scheduler`, Keras's `LearningRateSchedule`). A pure function of the step, so
/// a run resumed from a checkpoint continues on the same rates.
///
/// ```swift
/// let configuration = TrainingConfiguration(steps: 10_000, batchSize: 32,
///                                           schedule: try CosineDecay(peak: 1e-3, steps: 10_000, warmupSteps: 500))
/// ```
public protocol LearningRateSchedule: Sendable {
    /// The rate of step t (0-based).
    /// - Parameter t: the step, ≥ 0.
    /// - Returns: the learning rate.
    func rate(atStep t: Int) -> Double
}

/// A learning rate that decays by `factor` every `interval` steps: `lr_t = lr₀ · factor^⌊t / interval⌋`.
///
/// ```swift
/// let schedule = StepDecay(initial: 0.01, factor: 0.5, interval: 1000)
/// // schedule.rate(atStep: 999) == 0.01, schedule.rate(atStep: 1000) == 0.005
/// ```
public struct StepDecay: LearningRateSchedule, Equatable {
    /// lr₀, the rate of steps 0 ..< `interval`.
    public var initial: Double
    /// The factor applied at every multiple of `interval` (1 keeps the rate constant).
    public var factor: Double
    /// Steps between decays, ≥ 1.
    public var interval: Int
    /// A step schedule.
    /// - Parameters:
    ///   - initial: lr₀.
    ///   - factor: factor per interval (1 = constant).
    ///   - interval: steps between decays; values below 1 are taken as 1.
    public init(initial: Double, factor: Double = 1, interval: Int = 1) {
        self.initial = initial
        self.factor = factor
        self.interval = Swift.max(interval, 1)
    }
    /// The rate for step t (0-based).
    /// - Parameter t: the step, ≥ 0.
    /// - Returns: `initial · factor^⌊t / interval⌋`.
    public func rate(atStep t: Int) -> Double {
        initial * Double.exp(Double(t / interval) * Double.log(factor))
    }
}

/// Cosine annealing after an optional linear warm-up (PyTorch's `LinearLR` then `CosineAnnealingLR`;
/// Keras's `CosineDecay` with `warmup_steps`):
///
///     lr_t = peak · (t + 1)/w                                     for t < w (warm-up)
///     lr_t = min + (peak − min) · (1 + cos(π (t − w)/(T − w)))/2   for w ≤ t < T, and min after T
///
/// The warm-up starts at peak/w, not 0, so that no step is wasted.
///
/// ```swift
/// let schedule = try CosineDecay(peak: 0.01, minimum: 0.001, steps: 1000, warmupSteps: 100)
/// // rate(atStep: 0) == 0.0001, rate(atStep: 99) == 0.01, rate(atStep: 550) == 0.0055, rate(atStep: 1000) == 0.001
/// ```
public struct CosineDecay: LearningRateSchedule, Equatable {
    /// The rate at the end of the warm-up, the top of the cosine.
    public var peak: Double
    /// The rate the cosine ends at (and stays at after ``steps``).
    public var minimum: Double
    /// T: the step at which the cosine reaches ``minimum``, usually the run's length.
    public var steps: Int
    /// w: steps of linear warm-up before the cosine (0: none).
    public var warmupSteps: Int

    /// A cosine schedule.
    /// - Parameters:
    ///   - peak: the highest rate, finite and positive.
    ///   - minimum: the final rate, in [0, peak] (default 0).
    ///   - steps: T, greater than `warmupSteps`.
    ///   - warmupSteps: w ≥ 0 (default 0).
    /// - Throws: `RecurrentError.invalidArgument` naming the bad setting.
    public init(peak: Double, minimum: Double = 0, steps: Int, warmupSteps: Int = 0) throws {
        guard peak.isFinite && peak > 0 else {
            throw RecurrentError.invalidArgument(what: "CosineDecay.peak", reason: "must be finite and positive, got \(peak)")
        }
        guard minimum >= 0 && minimum <= peak else {
            throw RecurrentError.invalidArgument(what: "CosineDecay.minimum", reason: "must be in [0, peak = \(peak)], got \(minimum)")
        }
        guard warmupSteps >= 0 && steps > warmupSteps else {
            throw RecurrentError.invalidArgument(what: "CosineDecay.steps",
                                                 reason: "must exceed warmupSteps ≥ 0, got steps \(steps) and warmupSteps \(warmupSteps)")
        }
        self.peak = peak
        self.minimum = minimum
        self.steps = steps
        self.warmupSteps = warmupSteps
    }

    /// The rate for step t (0-based).
    /// - Parameter t: the step, ≥ 0.
    /// - Returns: the warm-up ramp, then the cosine, then ``minimum``.
    public func rate(atStep t: Int) -> Double {
        if t < warmupSteps { return peak * Double(t + 1) / Double(warmupSteps) }
        let progress = min(Double(t - warmupSteps) / Double(steps - warmupSteps), 1)
        // peak − … rather than min + …: exactly `peak` where the cosine starts.
        return peak - (peak - minimum) * (1 - cos(Double.pi * progress)) / 2
    }
}

/// A rate that is constant between given steps and changes to given values at them — PyTorch's `MultiStepLR`
/// with the rates written out, Keras's `PiecewiseConstantDecay`:
///
///     lr_t = values[k],  k = the number of boundaries ≤ t
///
/// so `values[0]` holds before the first boundary and a boundary b is the first step at the new rate. It
/// replays a run that was stopped and resumed with a new `--lr` at those steps, as one uninterrupted run.
///
/// ```swift
/// let schedule = try PiecewiseConstant(values: [1e-4, 3e-5, 1e-5], boundaries: [28_125, 58_125])
/// // rate(atStep: 28_124) == 1e-4, rate(atStep: 28_125) == 3e-5, rate(atStep: 10⁶) == 1e-5
/// ```
public struct PiecewiseConstant: LearningRateSchedule, Equatable {
    /// The rates: one more than ``boundaries``.
    public var values: [Double]
    /// The steps at which the rate changes, increasing and positive.
    public var boundaries: [Int]

    /// A piecewise-constant schedule.
    /// - Parameters:
    ///   - values: the rates, finite and not negative; `boundaries.count + 1` of them.
    ///   - boundaries: strictly increasing steps ≥ 1.
    /// - Throws: `RecurrentError.invalidArgument` naming the bad setting.
    public init(values: [Double], boundaries: [Int]) throws {
        guard values.count == boundaries.count + 1 else {
            throw RecurrentError.invalidArgument(what: "PiecewiseConstant.values",
                                                 reason: "needs one more rate than boundaries, got \(values.count) rates and \(boundaries.count) boundaries")
        }
        if let bad = values.first(where: { !($0.isFinite && $0 >= 0) }) {
            throw RecurrentError.invalidArgument(what: "PiecewiseConstant.values", reason: "rates must be finite and not negative, got \(bad)")
        }
        guard boundaries.first.map({ $0 >= 1 }) ?? true, zip(boundaries, boundaries.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw RecurrentError.invalidArgument(what: "PiecewiseConstant.boundaries",
                                                 reason: "must be strictly increasing steps ≥ 1, got \(boundaries)")
        }
        self.values = values
        self.boundaries = boundaries
    }

    /// The rate for step t (0-based).
    /// - Parameter t: the step, ≥ 0.
    /// - Returns: `values[k]` with k the number of boundaries ≤ t.
    public func rate(atStep t: Int) -> Double {
        values[boundaries.prefix { $0 <= t }.count]
    }
}
