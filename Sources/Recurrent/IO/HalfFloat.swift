/// IEEE 754 binary16 → binary32, the one conversion behind the `'<f2'` dtype of `.npy` files and the `F16`
/// dtype of safetensors files (exact for every value: binary32 holds every binary16; NaN payloads kept).
func halfToFloat(_ half: UInt16) -> Float {
    let negative = half & 0x8000 != 0
    let exponent = UInt32((half >> 10) & 0x1F)
    let fraction = UInt32(half & 0x3FF)
    let bits: UInt32
    switch exponent {
    case 0:
        // Zero or subnormal: fraction · 2⁻²⁴, exact in Float.
        let magnitude = Float(fraction) * 0x1p-24
        return negative ? -magnitude : magnitude
    case 0x1F:
        bits = 0x7F80_0000 | (fraction << 13)  // infinity or NaN
    default:
        bits = ((exponent + 127 - 15) << 23) | (fraction << 13)
    }
    return Float(bitPattern: (negative ? 0x8000_0000 : 0) | bits)
}
