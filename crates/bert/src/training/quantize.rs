//! Row-wise int8 quantisation of weight matrices (the shipped format, see heads.json's
//! `"quantization": "int8-row"`): each row keeps its own scale, `value = q * scale`, with
//! `scale = max |value| / 127`, so a row's largest weight is exact and the rest round to
//! the nearest of 255 levels.

/// Quantises a row-major `rows × cols` matrix. Returns the int8 values and one scale per row.
/// An all-zero row gets scale 0.
pub fn quantize_rows(values: &[f32], cols: usize) -> (Vec<i8>, Vec<f32>) {
    let cols = cols.max(1);
    let mut quantized = Vec::with_capacity(values.len());
    let mut scales = Vec::with_capacity(values.len() / cols);
    for row in values.chunks(cols) {
        let max = row.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        let scale = if max > 0.0 && max.is_finite() {
            max / 127.0
        } else {
            0.0
        };
        scales.push(scale);
        for v in row {
            let q = if scale > 0.0 {
                (v / scale).round().clamp(-127.0, 127.0)
            } else {
                0.0
            };
            quantized.push(q as i8);
        }
    }
    (quantized, scales)
}

/// The inverse of [`quantize_rows`].
pub fn dequantize_rows(quantized: &[i8], scales: &[f32], cols: usize) -> Vec<f32> {
    let cols = cols.max(1);
    quantized
        .chunks(cols)
        .zip(scales)
        .flat_map(|(row, &scale)| row.iter().map(move |&q| f32::from(q) * scale))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_error_is_at_most_half_a_step_per_row() {
        let values: Vec<f32> = (0..60)
            .map(|i| ((i * 37 % 23) as f32 - 11.0) / 7.0)
            .collect();
        let (q, scales) = quantize_rows(&values, 20);
        assert_eq!(scales.len(), 3);
        let back = dequantize_rows(&q, &scales, 20);
        assert_eq!(back.len(), values.len());
        for (row, (orig, restored)) in values.chunks(20).zip(back.chunks(20)).enumerate() {
            let step = scales[row];
            for (a, b) in orig.iter().zip(restored) {
                assert!((a - b).abs() <= step / 2.0 + 1e-6, "row {row}: {a} vs {b}");
            }
            // The largest magnitude of a row is kept exactly.
            let max = orig.iter().fold(0.0f32, |m, v| m.max(v.abs()));
            assert!(restored.iter().any(|v| (v.abs() - max).abs() < 1e-6));
        }
    }

    #[test]
    fn zero_rows_and_non_finite_values_stay_finite() {
        let (q, scales) = quantize_rows(&[0.0, 0.0, 1.0, -2.0], 2);
        assert_eq!(scales[0], 0.0);
        let back = dequantize_rows(&q, &scales, 2);
        assert_eq!(&back[..2], &[0.0, 0.0]);
        assert!((back[2] - 1.0).abs() <= scales[1] / 2.0 + 1e-6);
        assert!((back[3] + 2.0).abs() < 1e-6);
        let (_, scales) = quantize_rows(&[f32::NAN, f32::INFINITY], 2);
        assert!(scales.iter().all(|s| s.is_finite()));
    }
}
