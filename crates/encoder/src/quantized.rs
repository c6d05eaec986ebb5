//! int8 linear layers: `y = x · Wᵀ + b` with W stored as int8 rows and a scale per row (the
//! shipped `int8-row` format, used as is: no requantisation) and x quantised to int8 per row
//! on the fly (symmetric, scale max|x|/127). The integer dot products are exact, so the AVX-512
//! VNNI kernel and the portable one give the same bits; only the activation rounding differs
//! from the f32 path (measured in the encoder's notes: CoNLL/PolNeAR F1 within noise).
//!
//! Layout: output columns in groups of [`GROUP_COLUMNS`]; per group and per 4 inputs, 64
//! columns × 4 bytes, stored + 128 as u8, so that one `vpdpbusd` (u8 × s8, 4 products summed
//! into each of 16 i32 lanes) consumes 16 columns × 4 inputs against 4 broadcast activation
//! bytes. The +128 comes back out as 128 · Σx of each activation row.

use crate::kernels::{self, Activation};

/// i32 lanes of one AVX-512 register: output columns per tile.
const TILE: usize = 16;
/// Tiles per register block.
const TILES: usize = 4;
/// Output columns per register block (and per packed group).
pub const GROUP_COLUMNS: usize = TILE * TILES;
/// Activation rows per register block (ROWS × TILES accumulators stay in registers).
const ROWS: usize = 6;
/// Bytes of one packed (group, 4-input step): 64 columns × 4 inputs.
const STEP_BYTES: usize = GROUP_COLUMNS * 4;

/// A linear layer with int8 weights.
#[derive(Clone)]
pub struct QuantLinear {
    outputs: usize,
    inputs: usize,
    /// `inputs` rounded up to a multiple of 4 (zero padding).
    depth: usize,
    groups: usize,
    /// [group][depth / 4][64 columns][4 inputs], weight + 128.
    packed: Vec<u8>,
    /// Per output column (padded to whole groups with 0).
    scales: Vec<f32>,
    bias: Vec<f32>,
}

impl std::fmt::Debug for QuantLinear {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QuantLinear")
            .field("outputs", &self.outputs)
            .field("inputs", &self.inputs)
            .finish_non_exhaustive()
    }
}

/// Symmetric per-row int8 quantisation of a row-major [rows, cols] matrix: (values, scales)
/// with value[r, c] ≈ q[r, c] · scale[r].
pub fn quantise_rows(values: &[f32], cols: usize) -> (Vec<i8>, Vec<f32>) {
    let rows = values.len().checked_div(cols).unwrap_or(0);
    let mut q = vec![0i8; rows * cols];
    let mut scales = vec![0f32; rows];
    for ((row, dst), scale) in values
        .chunks_exact(cols.max(1))
        .zip(q.chunks_exact_mut(cols.max(1)))
        .zip(scales.iter_mut())
    {
        *scale = kernels::quantise_row(row, dst).0;
    }
    (q, scales)
}

impl QuantLinear {
    /// A layer from int8 weights [outputs, inputs] (row-major), one scale per output row, and
    /// the bias [outputs].
    pub fn new(
        weights: &[i8],
        scales: &[f32],
        bias: &[f32],
        outputs: usize,
        inputs: usize,
    ) -> Result<QuantLinear, String> {
        if weights.len() != outputs * inputs || scales.len() != outputs || bias.len() != outputs {
            return Err(format!(
                "int8 layer {outputs}×{inputs}: {} weights, {} scales, {} biases",
                weights.len(),
                scales.len(),
                bias.len()
            ));
        }
        let depth = inputs.div_ceil(4) * 4;
        let groups = outputs.div_ceil(GROUP_COLUMNS);
        let steps = depth / 4;
        // Padding columns and inputs hold weight 0 (stored as 128).
        let mut packed = vec![128u8; groups * steps * STEP_BYTES];
        for (o, row) in weights.chunks_exact(inputs.max(1)).enumerate() {
            let (g, c) = (o / GROUP_COLUMNS, o % GROUP_COLUMNS);
            for (i, &w) in row.iter().enumerate() {
                let at = (g * steps + i / 4) * STEP_BYTES + c * 4 + i % 4;
                packed[at] = (i16::from(w) + 128) as u8;
            }
        }
        let mut padded_scales = vec![0f32; groups * GROUP_COLUMNS];
        padded_scales[..outputs].copy_from_slice(scales);
        let mut padded_bias = vec![0f32; groups * GROUP_COLUMNS];
        padded_bias[..outputs].copy_from_slice(bias);
        Ok(QuantLinear {
            outputs,
            inputs,
            depth,
            groups,
            packed,
            scales: padded_scales,
            bias: padded_bias,
        })
    }

    /// Output width.
    pub fn outputs(&self) -> usize {
        self.outputs
    }

    /// Input width.
    pub fn inputs(&self) -> usize {
        self.inputs
    }

    /// `activation(x · Wᵀ + b)` for `x` [rows, inputs] row-major; [rows, outputs].
    pub fn forward(&self, x: &[f32], activation: Option<Activation>) -> Vec<f32> {
        self.forward_with(x, activation, Kernel::best())
    }

    fn forward_with(&self, x: &[f32], activation: Option<Activation>, kernel: Kernel) -> Vec<f32> {
        let rows = x.len().checked_div(self.inputs).unwrap_or(0);
        let mut out = vec![0f32; rows * self.outputs];
        if rows == 0 || self.outputs == 0 {
            return out;
        }
        let blocks = rows.div_ceil(ROWS);
        // Quantised activations, padded to whole row blocks and to `depth` with zeros.
        let mut xq = vec![0i8; blocks * ROWS * self.depth];
        let mut x_scales = vec![0f32; blocks * ROWS];
        let mut x_sums = vec![0i32; blocks * ROWS];
        for (r, row) in x.chunks_exact(self.inputs).enumerate() {
            let dst = &mut xq[r * self.depth..r * self.depth + self.inputs];
            (x_scales[r], x_sums[r]) = kernels::quantise_row(row, dst);
        }
        let block = |b: usize, out: &mut [f32]| {
            let mut acc = [[0i32; GROUP_COLUMNS]; ROWS];
            let xs = &xq[b * ROWS * self.depth..(b + 1) * ROWS * self.depth];
            let live = out.len() / self.outputs;
            for g in 0..self.groups {
                let steps = self.depth / 4;
                let w = &self.packed[g * steps * STEP_BYTES..(g + 1) * steps * STEP_BYTES];
                kernel.run(w, xs, self.depth, &mut acc);
                let columns = (self.outputs - g * GROUP_COLUMNS).min(GROUP_COLUMNS);
                let scales = &self.scales[g * GROUP_COLUMNS..g * GROUP_COLUMNS + columns];
                let bias = &self.bias[g * GROUP_COLUMNS..g * GROUP_COLUMNS + columns];
                for (r, acc) in acc.iter().enumerate().take(live) {
                    let row = b * ROWS + r;
                    let (scale, offset) = (x_scales[row], 128 * x_sums[row]);
                    let dst = &mut out[r * self.outputs + g * GROUP_COLUMNS..][..columns];
                    for (((d, &a), &s), &b) in dst.iter_mut().zip(acc).zip(scales).zip(bias) {
                        *d = (a - offset) as f32 * (scale * s) + b;
                    }
                }
            }
            if let Some(activation) = activation {
                kernels::activation(out, activation);
            }
        };
        let chunk = ROWS * self.outputs;
        if rayon::current_num_threads() > 1 && blocks > 1 {
            use rayon::prelude::*;
            out.par_chunks_mut(chunk)
                .enumerate()
                .for_each(|(b, out)| block(b, out));
        } else {
            out.chunks_mut(chunk)
                .enumerate()
                .for_each(|(b, out)| block(b, out));
        }
        out
    }
}

/// Whether this CPU runs the fast int8 kernel (AVX-512 VNNI). Elsewhere the portable kernel
/// gives the same results but is slower than f32 products, so callers prefer f32 there.
pub fn fast_kernel_available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        Kernel::best() == Kernel::Vnni
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Which integer kernel runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kernel {
    #[cfg(target_arch = "x86_64")]
    Vnni,
    Portable,
}

impl Kernel {
    fn best() -> Kernel {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::is_x86_feature_detected as has;
            if has!("avx512f") && has!("avx512bw") && has!("avx512vnni") {
                return Kernel::Vnni;
            }
        }
        Kernel::Portable
    }

    /// acc[r][c] = Σ_i w[c, i] (+128) · x[r, i] over one packed group.
    fn run(self, w: &[u8], x: &[i8], depth: usize, acc: &mut [[i32; GROUP_COLUMNS]; ROWS]) {
        debug_assert_eq!(w.len(), depth / 4 * STEP_BYTES);
        debug_assert_eq!(x.len(), ROWS * depth);
        match self {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: chosen only when the CPU has these features; the slices have the
            // lengths the kernel reads (checked above).
            Kernel::Vnni => unsafe { vnni::block(w, x, depth, acc) },
            Kernel::Portable => portable_block(w, x, depth, acc),
        }
    }
}

fn portable_block(w: &[u8], x: &[i8], depth: usize, acc: &mut [[i32; GROUP_COLUMNS]; ROWS]) {
    for a in acc.iter_mut() {
        a.fill(0);
    }
    for (s, step) in w.chunks_exact(STEP_BYTES).enumerate() {
        for (r, a) in acc.iter_mut().enumerate() {
            let xr = &x[r * depth + 4 * s..r * depth + 4 * s + 4];
            for (a, wc) in a.iter_mut().zip(step.chunks_exact(4)) {
                *a += wc
                    .iter()
                    .zip(xr)
                    .map(|(&w, &v)| i32::from(w) * i32::from(v))
                    .sum::<i32>();
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod vnni {
    use super::{GROUP_COLUMNS, ROWS, STEP_BYTES, TILE, TILES};
    use std::arch::x86_64::*;

    /// See [`super::Kernel::run`]. ROWS × TILES accumulators (24 of 32 registers), four
    /// weight registers per step; activations are broadcast 4 bytes at a time.
    #[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
    pub(super) unsafe fn block(
        w: &[u8],
        x: &[i8],
        depth: usize,
        acc: &mut [[i32; GROUP_COLUMNS]; ROWS],
    ) {
        let mut sums = [[_mm512_setzero_si512(); TILES]; ROWS];
        let steps = depth / 4;
        let wp = w.as_ptr();
        let xp = x.as_ptr();
        for s in 0..steps {
            let step = wp.add(s * STEP_BYTES);
            let mut weights = [_mm512_setzero_si512(); TILES];
            for (t, reg) in weights.iter_mut().enumerate() {
                *reg = _mm512_loadu_si512(step.add(t * TILE * 4) as *const __m512i);
            }
            for (r, row) in sums.iter_mut().enumerate() {
                let four = (xp.add(r * depth + 4 * s) as *const i32).read_unaligned();
                let a = _mm512_set1_epi32(four);
                for (sum, &reg) in row.iter_mut().zip(&weights) {
                    *sum = _mm512_dpbusd_epi32(*sum, reg, a);
                }
            }
        }
        for (row, out) in sums.iter().zip(acc.iter_mut()) {
            for (t, &sum) in row.iter().enumerate() {
                _mm512_storeu_si512(out.as_mut_ptr().add(t * TILE) as *mut __m512i, sum);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix(rows: usize, cols: usize, seed: u64) -> Vec<f32> {
        let mut state = seed;
        (0..rows * cols)
            .map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                ((state >> 33) as f32 / (1u64 << 31) as f32) * 2.0 - 1.0
            })
            .collect()
    }

    fn layer(outputs: usize, inputs: usize) -> (QuantLinear, Vec<f32>, Vec<f32>) {
        let w = matrix(outputs, inputs, 7);
        let bias = matrix(1, outputs, 9);
        let (q, scales) = quantise_rows(&w, inputs);
        let dequantised: Vec<f32> = q
            .iter()
            .enumerate()
            .map(|(i, &v)| f32::from(v) * scales[i / inputs])
            .collect();
        (
            QuantLinear::new(&q, &scales, &bias, outputs, inputs).unwrap(),
            dequantised,
            bias,
        )
    }

    /// Sizes that are not multiples of the row block, the group or 4.
    const SHAPES: [(usize, usize, usize); 3] = [(13, 70, 37), (6, 64, 384), (1, 5, 3)];

    #[test]
    fn int8_layer_is_close_to_the_f32_product() {
        for (rows, outputs, inputs) in SHAPES {
            let (layer, w, bias) = layer(outputs, inputs);
            let x = matrix(rows, inputs, 11);
            let y = layer.forward(&x, None);
            for r in 0..rows {
                for o in 0..outputs {
                    let want: f32 = (0..inputs)
                        .map(|i| x[r * inputs + i] * w[o * inputs + i])
                        .sum::<f32>()
                        + bias[o];
                    let got = y[r * outputs + o];
                    // Activation rounding: ≤ half a step (max|x|/254) per input.
                    let bound = inputs as f32 / 254.0 * 0.5 + 1e-4;
                    assert!((got - want).abs() <= bound, "{r},{o}: {got} vs {want}");
                }
            }
        }
    }

    #[test]
    fn kernels_give_the_same_bits() {
        for (rows, outputs, inputs) in SHAPES {
            let (layer, _, _) = layer(outputs, inputs);
            let x = matrix(rows, inputs, 13);
            let best = layer.forward_with(&x, Some(Activation::GeluErf), Kernel::best());
            let portable = layer.forward_with(&x, Some(Activation::GeluErf), Kernel::Portable);
            assert_eq!(best, portable, "{rows}×{outputs}×{inputs}");
        }
    }

    #[test]
    fn zero_rows_and_bad_shapes() {
        let (layer, _, bias) = layer(3, 4);
        let y = layer.forward(&[0.0; 8], None);
        assert_eq!(y, [bias.clone(), bias].concat());
        assert!(layer.forward(&[], None).is_empty());
        assert!(QuantLinear::new(&[0; 5], &[1.0; 2], &[0.0; 2], 2, 3).is_err());
    }
}
