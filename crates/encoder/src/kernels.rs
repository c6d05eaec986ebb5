//! Row kernels of the BERT forward that candle has no fused op for: masked softmax over
//! attention scores and bias + activation, both in place. The loops are written in 16-lane
//! chunks of branch-free code so that the compiler vectorises them, and are compiled three
//! times (AVX-512, AVX2 + FMA, baseline) with the widest one chosen at run time. No
//! floating-point contraction happens in any of them, so all three give the same bits.

/// The activation of the feed-forward layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    /// `x · Φ(x)` with the exact (erf) normal CDF: BERT's `gelu`.
    GeluErf,
    /// The tanh approximation of GELU (`gelu_new`, `gelu_pytorch_tanh`).
    GeluTanh,
    /// `max(x, 0)`.
    Relu,
}

const LANES: usize = 16;

/// e^x to about 2e-7 relative error (x clamped to [-87, 88]): 2^n times a degree-6
/// polynomial of the remainder. Rounding to n adds 1.5·2^23 (no `floor` call), and 2^n is
/// built from its bits, so loops over it vectorise.
#[inline(always)]
pub fn fast_exp(x: f32) -> f32 {
    const ROUND: f32 = 12_582_912.0; // 1.5 · 2^23: adding it rounds to an integer
    let x = x.clamp(-87.0, 88.0);
    let t = x * std::f32::consts::LOG2_E + ROUND;
    let n = t - ROUND;
    let r = x - n * 0.693_145_75 - n * 1.428_606_8e-6;
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0))))));
    // t's low mantissa bits hold n (|n| < 2^22); 2^n = (n + 127) << 23.
    let exponent = (t.to_bits() as i32 - ROUND.to_bits() as i32 + 127) << 23;
    p * f32::from_bits(exponent as u32)
}

/// erf to within 1.5e-7 (Abramowitz and Stegun 7.1.26): one exp instead of libm's series.
#[inline(always)]
pub fn erf(x: f32) -> f32 {
    let a = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * a);
    let poly = t
        * (0.254_829_6
            + t * (-0.284_496_74 + t * (1.421_413_8 + t * (-1.453_152_1 + t * 1.061_405_4))));
    (1.0 - poly * fast_exp(-a * a)).copysign(x)
}

#[inline(always)]
fn gelu_erf(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2))
}

#[inline(always)]
fn gelu_tanh(x: f32) -> f32 {
    0.5 * x * (1.0 + (0.797_884_6 * (x + 0.044_715 * x * x * x)).tanh())
}

/// Runs `$generic(args)` compiled for the widest instruction set the CPU has.
macro_rules! dispatch {
    ($generic:ident, $avx512:ident, $avx2:ident, ($($arg:ident: $ty:ty),*)) => {
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx512f")]
        unsafe fn $avx512($($arg: $ty),*) {
            $generic($($arg),*)
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn $avx2($($arg: $ty),*) {
            $generic($($arg),*)
        }
    };
}

#[cfg(target_arch = "x86_64")]
fn has_avx512() -> bool {
    std::arch::is_x86_feature_detected!("avx512f")
}

#[cfg(target_arch = "x86_64")]
fn has_avx2() -> bool {
    std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
}

/// Softmax of every row of `len` scores in `data`, each over its first `valid(row)` values
/// only (the rest, padding keys, become 0).
pub fn masked_softmax(data: &mut [f32], len: usize, rows_per_item: usize, lengths: &[usize]) {
    #[cfg(target_arch = "x86_64")]
    {
        if has_avx512() {
            // SAFETY: the CPU has the features the function is compiled for.
            return unsafe { softmax_avx512(data, len, rows_per_item, lengths) };
        }
        if has_avx2() {
            // SAFETY: as above.
            return unsafe { softmax_avx2(data, len, rows_per_item, lengths) };
        }
    }
    softmax_generic(data, len, rows_per_item, lengths)
}

dispatch!(softmax_generic, softmax_avx512, softmax_avx2,
    (data: &mut [f32], len: usize, rows_per_item: usize, lengths: &[usize]));

#[inline(always)]
fn softmax_generic(data: &mut [f32], len: usize, rows_per_item: usize, lengths: &[usize]) {
    if len == 0 || rows_per_item == 0 {
        return;
    }
    for (r, row) in data.chunks_exact_mut(len).enumerate() {
        let valid = lengths
            .get(r / rows_per_item)
            .copied()
            .unwrap_or(len)
            .clamp(1, len);
        let (row, padding) = row.split_at_mut(valid);
        padding.fill(0.0);
        softmax_row(row);
    }
}

#[inline(always)]
fn softmax_row(row: &mut [f32]) {
    let mut lanes = [f32::NEG_INFINITY; LANES];
    let mut chunks = row.chunks_exact(LANES);
    for chunk in &mut chunks {
        for (m, &v) in lanes.iter_mut().zip(chunk) {
            *m = m.max(v);
        }
    }
    let max = chunks.remainder().iter().copied().fold(
        lanes.iter().copied().fold(f32::NEG_INFINITY, f32::max),
        f32::max,
    );
    let mut sums = [0f32; LANES];
    let mut chunks = row.chunks_exact_mut(LANES);
    for chunk in &mut chunks {
        for (s, v) in sums.iter_mut().zip(chunk.iter_mut()) {
            *v = fast_exp(*v - max);
            *s += *v;
        }
    }
    let mut sum = sums.iter().sum::<f32>();
    for v in chunks.into_remainder() {
        *v = fast_exp(*v - max);
        sum += *v;
    }
    let inv = 1.0 / sum;
    row.iter_mut().for_each(|v| *v *= inv);
}

/// `activation(x + bias)` over every row of `bias.len()` values in `data`, in place.
pub fn bias_activation(data: &mut [f32], bias: &[f32], activation: Activation) {
    #[cfg(target_arch = "x86_64")]
    {
        if has_avx512() {
            // SAFETY: the CPU has the features the function is compiled for.
            return unsafe { activation_avx512(data, bias, activation) };
        }
        if has_avx2() {
            // SAFETY: as above.
            return unsafe { activation_avx2(data, bias, activation) };
        }
    }
    activation_generic(data, bias, activation)
}

dispatch!(activation_generic, activation_avx512, activation_avx2,
    (data: &mut [f32], bias: &[f32], activation: Activation));

#[inline(always)]
fn activation_generic(data: &mut [f32], bias: &[f32], activation: Activation) {
    if bias.is_empty() {
        return;
    }
    for row in data.chunks_exact_mut(bias.len()) {
        match activation {
            Activation::GeluErf => row
                .iter_mut()
                .zip(bias)
                .for_each(|(x, &b)| *x = gelu_erf(*x + b)),
            Activation::GeluTanh => row
                .iter_mut()
                .zip(bias)
                .for_each(|(x, &b)| *x = gelu_tanh(*x + b)),
            Activation::Relu => row
                .iter_mut()
                .zip(bias)
                .for_each(|(x, &b)| *x = (*x + b).max(0.0)),
        }
    }
}

/// `activation(x)` over every value of `data`, in place.
pub fn activation(data: &mut [f32], activation: Activation) {
    #[cfg(target_arch = "x86_64")]
    {
        if has_avx512() {
            // SAFETY: the CPU has the features the function is compiled for.
            return unsafe { plain_avx512(data, activation) };
        }
        if has_avx2() {
            // SAFETY: as above.
            return unsafe { plain_avx2(data, activation) };
        }
    }
    plain_generic(data, activation)
}

dispatch!(plain_generic, plain_avx512, plain_avx2,
    (data: &mut [f32], activation: Activation));

#[inline(always)]
fn plain_generic(data: &mut [f32], activation: Activation) {
    match activation {
        Activation::GeluErf => data.iter_mut().for_each(|x| *x = gelu_erf(*x)),
        Activation::GeluTanh => data.iter_mut().for_each(|x| *x = gelu_tanh(*x)),
        Activation::Relu => data.iter_mut().for_each(|x| *x = x.max(0.0)),
    }
}

/// Symmetric int8 quantisation of one row into `dst` (same length): q = round(x · 127 /
/// max|x|). Returns (scale = max|x| / 127, Σq); (0, 0) for an all-zero row, NaN scale when
/// the row holds a NaN or an infinity.
pub fn quantise_row(row: &[f32], dst: &mut [i8]) -> (f32, i32) {
    #[cfg(target_arch = "x86_64")]
    {
        if has_avx512() {
            // SAFETY: the CPU has the features the function is compiled for.
            return unsafe { quantise_avx512(row, dst) };
        }
        if has_avx2() {
            // SAFETY: as above.
            return unsafe { quantise_avx2(row, dst) };
        }
    }
    quantise_generic(row, dst)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn quantise_avx512(row: &[f32], dst: &mut [i8]) -> (f32, i32) {
    quantise_generic(row, dst)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn quantise_avx2(row: &[f32], dst: &mut [i8]) -> (f32, i32) {
    quantise_generic(row, dst)
}

#[inline(always)]
fn quantise_generic(row: &[f32], dst: &mut [i8]) -> (f32, i32) {
    // Lane-wise max|x| (a plain comparison, so it compiles to vmaxps) and whether some x
    // has the all-ones exponent of NaN and infinity (integer ops, so they vectorise too).
    const EXPONENT: u32 = 0x7f80_0000;
    let mut lanes = [0f32; LANES];
    let mut special = [0u32; LANES];
    let mut chunks = row.chunks_exact(LANES);
    for chunk in &mut chunks {
        for l in 0..LANES {
            let bits = chunk[l].to_bits();
            let a = f32::from_bits(bits & 0x7fff_ffff);
            lanes[l] = if a > lanes[l] { a } else { lanes[l] };
            special[l] |= u32::from(bits & EXPONENT == EXPONENT);
        }
    }
    let mut amax = lanes.iter().copied().fold(0f32, f32::max);
    let mut poisoned = special.iter().any(|&s| s != 0);
    for &v in chunks.remainder() {
        amax = amax.max(v.abs());
        poisoned |= !v.is_finite();
    }
    if poisoned {
        dst.fill(0);
        return (f32::NAN, 0);
    }
    if amax == 0.0 {
        dst.fill(0);
        return (0.0, 0);
    }
    let inv = 127.0 / amax;
    // |v · inv| ≤ 127 up to one rounding, so the rounded value is an integer in [-127, 127].
    let quantise = |v: f32| -> i32 {
        // SAFETY: finite (no NaN or infinity in the row) and within ±127.
        unsafe { (v * inv).round_ties_even().to_int_unchecked::<i32>() }
    };
    let mut sums = [0i32; LANES];
    let mut pairs = dst.chunks_exact_mut(LANES).zip(row.chunks_exact(LANES));
    for (d, r) in &mut pairs {
        for ((d, &v), s) in d.iter_mut().zip(r).zip(sums.iter_mut()) {
            let q = quantise(v);
            *d = q as i8;
            *s += q;
        }
    }
    let mut sum: i32 = sums.iter().sum();
    let done = row.len() / LANES * LANES;
    for (d, &v) in dst[done..].iter_mut().zip(&row[done..]) {
        let q = quantise(v);
        *d = q as i8;
        sum += q;
    }
    (amax / 127.0, sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_exp_is_close_to_exp() {
        let mut x = -87.0f32;
        while x < 88.0 {
            let (a, b) = (fast_exp(x), x.exp());
            assert!((a - b).abs() <= 1e-6 * b, "exp({x}): {a} vs {b}");
            x += 0.173;
        }
        assert!(fast_exp(-1000.0) >= 0.0 && fast_exp(-1000.0) < 1e-37);
        assert!(fast_exp(1000.0).is_finite());
    }

    #[test]
    fn erf_matches_reference_values() {
        for (x, want) in [
            (0.0f32, 0.0f32),
            (0.5, 0.520_499_9),
            (1.0, 0.842_700_8),
            (-1.0, -0.842_700_8),
            (2.0, 0.995_322_3),
            (4.0, 0.999_999_98),
        ] {
            assert!(
                (erf(x) - want).abs() < 3e-7,
                "erf({x}) = {} vs {want}",
                erf(x)
            );
        }
    }

    fn reference_softmax(row: &[f32]) -> Vec<f32> {
        let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let exps: Vec<f64> = row.iter().map(|&v| f64::from(v - max).exp()).collect();
        let sum: f64 = exps.iter().sum();
        exps.iter().map(|&e| (e / sum) as f32).collect()
    }

    #[test]
    fn masked_softmax_masks_padding_and_normalises() {
        // Two items of length 37 (not a multiple of the lane count), 2 rows each; the first
        // item has 20 real keys, the second 37.
        let len = 37;
        let mut data: Vec<f32> = (0..4 * len)
            .map(|i| ((i * 7919) % 97) as f32 / 9.0 - 5.0)
            .collect();
        let original = data.clone();
        masked_softmax(&mut data, len, 2, &[20, 37]);
        for (r, row) in data.chunks_exact(len).enumerate() {
            let valid = if r < 2 { 20 } else { 37 };
            let want = reference_softmax(&original[r * len..r * len + valid]);
            for (a, b) in row[..valid].iter().zip(&want) {
                assert!((a - b).abs() < 1e-6, "row {r}: {a} vs {b}");
            }
            assert!(row[valid..].iter().all(|&v| v == 0.0));
        }
        let mut portable = original.clone();
        softmax_generic(&mut portable, len, 2, &[20, 37]);
        assert_eq!(
            portable, data,
            "the dispatched kernel computes the portable one's bits"
        );
    }

    #[test]
    fn bias_gelu_matches_the_definition() {
        let bias = [0.5f32, -0.25, 0.0];
        let mut data: Vec<f32> = (0..12).map(|i| i as f32 * 0.7 - 4.0).collect();
        let original = data.clone();
        bias_activation(&mut data, &bias, Activation::GeluErf);
        for (i, (&got, &x)) in data.iter().zip(&original).enumerate() {
            let x = f64::from(x + bias[i % 3]);
            // Φ(x) from erfc's continued-fraction-free series is overkill: use the
            // reference erf values through a high-precision Taylor series.
            let mut term = x / std::f64::consts::SQRT_2;
            let z2 = term * term;
            let mut erf = term;
            for n in 1..60 {
                term *= -z2 / n as f64;
                erf += term / (2 * n + 1) as f64;
            }
            let erf = erf * 2.0 / std::f64::consts::PI.sqrt();
            let want = 0.5 * x * (1.0 + erf);
            assert!((f64::from(got) - want).abs() < 1e-5, "{x}: {got} vs {want}");
        }
        let mut relu = original.clone();
        bias_activation(&mut relu, &bias, Activation::Relu);
        assert!(relu.iter().all(|&v| v >= 0.0));
    }

    #[test]
    fn rows_quantise_symmetrically() {
        let row: Vec<f32> = (0..37).map(|i| i as f32 * 0.25 - 4.0).collect();
        let mut q = vec![0i8; row.len()];
        let (scale, sum) = quantise_row(&row, &mut q);
        assert!((scale - 5.0 / 127.0).abs() < 1e-7, "{scale}");
        assert_eq!(q[0], -102); // -4 / (5/127) = -101.6
        assert_eq!(*q.last().unwrap(), 127); // 5.0 is the largest magnitude
        assert_eq!(sum, q.iter().map(|&v| i32::from(v)).sum::<i32>());
        for (&v, &x) in q.iter().zip(&row) {
            assert!((f32::from(v) * scale - x).abs() <= scale / 2.0 + 1e-6);
        }
        assert_eq!(quantise_row(&[0.0; 5], &mut q[..5]), (0.0, 0));
        for poison in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
            let mut bad = row.clone();
            bad[3] = poison;
            assert!(quantise_row(&bad, &mut q).0.is_nan());
            bad[3] = 0.0;
            bad[36] = poison; // in the remainder after the 16-lane chunks
            assert!(quantise_row(&bad, &mut q).0.is_nan());
        }
    }
}
